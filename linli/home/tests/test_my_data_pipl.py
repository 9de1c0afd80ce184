"""PIPL: the copy of one's data also holds childcare applications, mediation cases one is a party to, fund
applications, club memberships and open-vote ballots; a deletion carried out clears the copies of one's name and
mobile in reports and mediation records, keeping the records."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.conftest import client_for, make_resident
from linli.home import personal_data
from linli.people import services as people

pytestmark = pytest.mark.django_db

MOBILE = "13800001111"


@pytest.fixture
def me(community, make_user):
    user = make_user(Role.RESIDENT, community)
    user.mobile = MOBILE
    user.save(update_fields=["mobile"])
    resident = make_resident(community, name="钱阿姨", birth=dt.date(1950, 7, 9), user=user)
    resident.mobile = MOBILE
    resident.save()
    return resident


@pytest.fixture
def records(community, users, make_user, me):
    """One of each record that names 钱阿姨, made by the domains' own services where they are short to call."""
    from linli.childcare import services as childcare
    from linli.childcare.models import Application as ChildcareApplication
    from linli.consultation import services as consultation
    from linli.consultation.models import Ballot
    from linli.facilities.tests.factories import make_facility
    from linli.fund import services as fund
    from linli.mediation.models import Case, CaseParty, Note
    from linli.partners.models import Partner
    from linli.reports.models import Category, Report
    from linli.volunteering.models import Club, ClubMember

    admin = users["community_admin"]
    now = timezone.now()
    today = timezone.localdate()
    group = childcare.group_create(
        actor=admin,
        facility=make_facility(community, "nursery", "childcare", name="幸福托育点"),
        name="托小班",
        min_months=12,
        max_months=36,
        places=3,
    )
    grandchild = make_resident(community, name="钱小宝", birth=today - dt.timedelta(days=600), seq=5)
    ChildcareApplication.objects.create(
        community=community, group=group, child=grandchild, applied_by=me.user, start_on=today, created_at=now
    )
    case = Case.objects.create(
        community=community,
        title="钱阿姨楼上漏水",
        summary=f"钱阿姨（{MOBILE}）说楼上漏水。",
        opened_by=users["social_worker"],
    )
    CaseParty.objects.create(case=case, resident=me, side=CaseParty.Side.APPLICANT)
    Note.objects.create(case=case, author=users["social_worker"], text=f"已电话联系钱阿姨 {MOBILE}")
    club = Club.objects.create(community=community, name="太极拳社")
    ClubMember.objects.create(club=club, resident=me, joined_on=today)
    vote = consultation.vote_create(
        actor=admin,
        community=community,
        question="是否加装电梯？",
        options=["同意", "反对"],
        eligibility="all",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=1),
    )
    Ballot.objects.create(vote=vote, option=vote.options.first(), voter_key="k-me", resident=me, cast_at=now)
    partner = Partner.objects.create(
        community=community, name="开元颐养", kind="charity", entity="social_org", joined_on=today
    )
    partner.members.add(me.user)
    grant_round = fund.round_create(
        actor=admin,
        community=community,
        name="2026年第一期",
        budget_fen=50_000_000,
        opens_on=today,
        closes_on=today + dt.timedelta(days=30),
        reviewers=[make_user(Role.RESIDENT, community) for _ in range(3)],
    )
    fund.application_submit(
        actor=me.user,
        grant_round=grant_round,
        applicant=partner,
        title="银龄助餐",
        category="services",
        summary="为高龄老人送餐",
        requested_fen=300_000,
    )
    category = Category.objects.filter(community=community).first() or Category.objects.create(
        community=community, code="other", name="其他"
    )
    mine = Report.objects.create(
        community=community,
        category=category,
        description=f"钱阿姨报：楼道灯坏了，电话 {MOBILE}",
        reporter=me.user,
        reporter_name="钱阿姨",
        token="tok-mine",
        address="3幢",
        created_at=now,
        updated_at=now,
    )
    as_guest = Report.objects.create(
        community=community,
        category=category,
        description="井盖松动",
        guest_mobile=MOBILE,
        token="tok-guest",
        address="3幢",
        created_at=now,
        updated_at=now,
    )
    someone_else = Report.objects.create(
        community=community,
        category=category,
        description="钱阿姨家门口有垃圾",
        reporter=admin,
        token="tok-other",
        address="3幢",
        created_at=now,
        updated_at=now,
    )
    return {"case": case, "reports": [mine, as_guest], "other": someone_else}


def test_the_copy_holds_every_new_section(me, records):
    sections = {s.key: s for s in personal_data.personal_data(user=me.user)}
    assert sections["childcare"].rows[0][1] == "钱小宝"
    assert sections["mediation"].rows[0][1] == "钱阿姨楼上漏水"
    assert sections["clubs"].rows[0][1] == "太极拳社"
    assert sections["ballots"].rows[0][1:] == ["是否加装电梯？", "同意"]
    assert sections["fund"].rows[0][2] == "银龄助餐"
    assert all(len(row) == len(s.headers) for s in sections.values() for row in s.rows)
    download = json.loads(client_for(me.user).get("/accounts/me/data/download.json").content)
    titles = {s["key"]: s["title"] for s in download["sections"]}
    assert titles["clubs"] == "参加的社团" and titles["childcare"] == "托育申请"
    workbook = client_for(me.user).get("/accounts/me/data/download.xlsx")
    assert workbook.status_code == 200


def test_a_deletion_carried_out_clears_the_copies_and_keeps_the_records(users, me, records):
    from linli.audit.models import AuditEntry
    from linli.mediation.models import Case, Note
    from linli.reports.models import Report

    request = people.data_deletion_request(actor=me.user, reason="不再使用")
    people.data_request_approve(actor=users["social_worker"], request=request)
    for report in Report.objects.filter(pk__in=[r.pk for r in records["reports"]]):
        assert report.reporter_name == "" and report.guest_mobile == ""
        assert "钱阿姨" not in report.description and MOBILE not in report.description
    assert Report.objects.get(pk=records["reports"][0].pk).description == "已注销居民报：楼道灯坏了，电话 ***"
    assert Report.objects.get(pk=records["other"].pk).description == "钱阿姨家门口有垃圾"  # not theirs: untouched
    case = Case.objects.get(pk=records["case"].pk)
    assert case.title == "已注销居民楼上漏水" and MOBILE not in case.summary
    assert Note.objects.get(case=case).text == "已电话联系已注销居民 ***"
    assert case.parties.get().resident_id == me.pk  # the party row stays, pointing at the anonymised record
    entry = AuditEntry.objects.get(action="data_request.approve")
    assert entry.after["copies_cleared"] == {"mediation": 1, "reports": 2}
    assert "钱阿姨" not in json.dumps(entry.after, ensure_ascii=False)
