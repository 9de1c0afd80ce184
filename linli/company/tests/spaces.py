"""A space of the community company's books, made directly for the tests."""

from linli.facilities.models import Facility, FacilityCategory


def facility(community, code, nature):
    return Facility.objects.create(
        community=community,
        code=code,
        name=code,
        category=FacilityCategory.objects.first(),
        scenario="services",
        nature=nature,
        lat=30.285,
        lng=120.135,
    )
