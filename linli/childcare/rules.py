"""Childcare follows the facility rules: a parent acts for the household; front-desk staff decide."""

from linli.facilities.rules import can_run_front_desk, may_act_for

__all__ = ["can_run_front_desk", "may_act_for"]
