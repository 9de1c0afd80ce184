"""Demo register: 市北's three tiers (1 hub 喜柿天地 – 4 centres 喜柿汇 – 2 micro boxes 喜柿多), the canteen
喜柿餐厅, the school 幸福学堂, the nursery 小时光托育, services, slots for the coming weeks and some past bookings;
a smaller register for 利民. Placed in real demo buildings. What runs in the canteen, the school and the nursery is
the next steps' (`linli.canteen.demo`, `linli.courses.demo`, `linli.childcare.demo`)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.demo import DemoContext
from linli.notifications.services import telling_no_one
from linli.people.models import Resident
from linli.places.models import Building, Community

from . import services as register
from .catalogue import ensure_catalogue
from .models import Facility, FacilityCategory, Service, Slot

OPERATOR = "强社公司"

STATION = "community_service_station"  # 社区服务站

# (code, name, category, tier, nature, floor area, hours, capacity, share of the building list to sit at)
SHIBEI = [
    ("XS-HUB", "喜柿天地", "livelihood_hub", "hub", "affordable", 3200, "每天 07:00-21:00", 300, 0.5),
    # the 喜柿汇 of each neighbourhood is its community service station (社区服务站)
    ("XS-C1", "喜柿汇·喜柿花园", STATION, "centre", "affordable", 900, "每天 08:00-20:00", 80, 0.1),
    ("XS-C2", "喜柿汇·金色家园", STATION, "centre", "affordable", 850, "每天 08:00-20:00", 80, 0.37),
    ("XS-C3", "喜柿汇·新湖苑", STATION, "centre", "affordable", 780, "每天 08:00-20:00", 70, 0.62),
    ("XS-C4", "喜柿汇·柿香里", STATION, "centre", "affordable", 820, "每天 08:00-20:00", 70, 0.88),
    ("XS-M1", "喜柿多·东门", "convenience_store", "micro", "earning", 60, "24小时", 10, 0.25),
    ("XS-M2", "喜柿多·西门", "convenience_store", "micro", "earning", 55, "24小时", 10, 0.75),
    ("XS-CANTEEN", "喜柿餐厅", "elderly_canteen", "", "affordable", 420, "每天 10:30-13:00, 16:30-18:30", 120, 0.5),
    ("XS-SCHOOL", "幸福学堂", "culture_station", "", "free", 600, "周一至周六 09:00-21:00", 120, 0.45),
    ("XS-CARE", "小时光托育", "childcare", "", "affordable", 500, "周一至周五 07:30-18:00", 40, 0.55),
    ("XS-DAYCARE", "颐养中心", "elderly_day_care", "", "affordable", 700, "每天 08:00-17:30", 45, 0.3),
    ("XS-STUDY", "共享书房", "shared_study_room", "", "free", 200, "每天 08:00-22:00", 40, 0.7),
    ("XS-CLINIC", "社区卫生服务站", "health_station", "", "affordable", 350, "周一至周六 08:00-17:00", 20, 0.4),
    ("XS-COURT", "多功能运动场", "sports_ground", "", "free", 900, "每天 06:00-21:00", 60, 0.2),
    ("XS-HALL", "红心议事厅", "meeting_hall", "", "free", 150, "预约开放", 40, 0.52),
    ("XS-COWORK", "柿创空间", "co_working", "", "earning", 400, "周一至周五 09:00-18:00", 50, 0.48),
    ("XS-4PM", "四点半课堂", "after_school_class", "", "free", 180, "周一至周五 16:00-18:30", 40, 0.58),
    ("XS-4PM2", "四点半课堂·金色家园", "after_school_class", "", "free", 120, "周一至周五 16:00-18:30", 30, 0.3),
    ("XS-CANTEEN2", "喜柿餐厅·助餐点", "elderly_canteen", "", "affordable", 160, "每天 10:30-13:00", 40, 0.8),
    ("XS-CARE2", "小时光托育·新湖苑", "childcare", "", "affordable", 260, "周一至周五 07:30-18:00", 20, 0.6),
    ("XS-DAYCARE2", "颐养中心·柿香里", "elderly_day_care", "", "affordable", 400, "每天 08:00-17:30", 30, 0.8),
    ("XS-HOMECARE", "居家养老服务站", "home_care_station", "", "affordable", 200, "每天 08:00-17:00", 20, 0.35),
    ("XS-HOMECARE2", "居家养老服务站·新湖苑", "home_care_station", "", "affordable", 180, "每天 08:00-17:00", 20, 0.65),
    ("XS-CULTURE2", "文化活动站·柿香里", "culture_station", "", "free", 220, "每天 08:30-21:00", 60, 0.85),
    ("XS-COURT2", "笼式足球场", "sports_ground", "", "free", 800, "每天 06:00-21:00", 40, 0.8),
    ("XS-FIT1", "健身点·喜柿花园", "fitness_ground", "", "free", 300, "全天开放", 30, 0.1),
    ("XS-FIT2", "健身点·金色家园", "fitness_ground", "", "free", 300, "全天开放", 30, 0.35),
    ("XS-FIT3", "健身点·新湖苑", "fitness_ground", "", "free", 300, "全天开放", 30, 0.6),
    ("XS-FIT4", "健身点·柿香里", "fitness_ground", "", "free", 300, "全天开放", 30, 0.85),
    ("XS-FIT5", "健身步道驿站", "fitness_ground", "", "free", 200, "全天开放", 30, 0.5),
    ("XS-KG1", "市北幼儿园（喜柿花园园区）", "kindergarten", "", "affordable", 2400, "周一至五 07:30-17:00", 270, 0.15),
    ("XS-KG2", "市北幼儿园（新湖苑园区）", "kindergarten", "", "affordable", 2100, "周一至五 07:30-17:00", 240, 0.55),
    ("XS-KG3", "市北幼儿园（柿香里园区）", "kindergarten", "", "affordable", 1800, "周一至五 07:30-17:00", 210, 0.85),
    ("XS-NURSERY1", "市北托儿所", "nursery", "", "affordable", 600, "周一至周五 07:30-17:30", 60, 0.3),
    ("XS-NURSERY2", "市北托儿所（柿香里）", "nursery", "", "affordable", 500, "周一至周五 07:30-17:30", 50, 0.7),
    ("XS-PRIMARY", "市北小学", "primary_school", "", "free", 12000, "周一至周五 07:30-17:00", 1200, 0.5),
    ("XS-MIDDLE", "宁围初级中学", "middle_school", "", "free", 18000, "周一至周五 07:00-17:30", 1500, 0.5),
    ("XS-MARKET1", "小北鲜市（一店）", "market", "", "earning", 900, "每天 06:00-20:00", 200, 0.25),
    ("XS-MARKET2", "小北鲜市（二店）", "market", "", "earning", 700, "每天 06:00-20:00", 150, 0.75),
    ("XS-BUS1", "市北社区公交站", "bus_stop", "", "free", 20, "05:30-22:30", 0, 0.2),
    ("XS-BUS2", "喜柿花园公交站", "bus_stop", "", "free", 20, "05:30-22:30", 0, 0.5),
    ("XS-BUS3", "柿香里公交站", "bus_stop", "", "free", 20, "05:30-22:30", 0, 0.8),
    ("XS-HEALTH", "宁围街道社区卫生服务中心", "health_centre", "", "affordable", 4000, "每天 08:00-17:00", 100, 0.5),
    ("XS-CULTURE", "市北文化活动中心", "culture_centre", "", "free", 2500, "每天 08:30-21:00", 300, 0.5),
    ("XS-GYM", "全民健身中心", "sports_centre", "", "affordable", 3000, "每天 06:00-22:00", 200, 0.5),
    ("XS-HOME", "颐乐园养老院", "elderly_care_home", "", "affordable", 3500, "全天", 120, 0.5),
    (
        "XS-STREET",
        "宁围街道社区服务中心",
        "community_service_centre",
        "",
        "free",
        1500,
        "周一至五 08:30-17:30",
        80,
        0.5,
    ),
    ("XS-YIZHAN", "婴幼儿成长驿站", "childcare", "", "earning", 300, "周一至周六 08:00-18:00", 30, 0.45),
    ("XS-READING", "邻里书房", "culture_station", "", "free", 160, "每天 08:00-21:00", 30, 0.4),
]
# More points of everyday services, spread over the neighbourhoods as a model community has them.
SHIBEI += [
    ("XS-SHOP1", "邻家便利店·金色家园", "convenience_store", "", "earning", 80, "每天 07:00-23:00", 10, 0.4),
    ("XS-SHOP2", "邻家便利店·新湖苑", "convenience_store", "", "earning", 80, "每天 07:00-23:00", 10, 0.6),
    ("XS-SHOP3", "邻家便利店·柿香里", "convenience_store", "", "earning", 70, "每天 07:00-23:00", 10, 0.9),
    ("XS-GATEBALL", "门球场", "sports_ground", "", "free", 600, "每天 06:00-20:00", 20, 0.3),
    ("XS-BADMINTON", "羽毛球场", "sports_ground", "", "free", 400, "每天 06:00-21:00", 16, 0.65),
    ("XS-FIT6", "健身点·小区东门", "fitness_ground", "", "free", 200, "全天开放", 20, 0.95),
    ("XS-FIT7", "健身点·小区西门", "fitness_ground", "", "free", 200, "全天开放", 20, 0.05),
    ("XS-CANTEEN3", "助餐点·金色家园", "elderly_canteen", "", "affordable", 120, "每天 10:30-13:00", 30, 0.35),
    ("XS-CANTEEN4", "助餐点·新湖苑", "elderly_canteen", "", "affordable", 120, "每天 10:30-13:00", 30, 0.6),
    ("XS-DAYCARE3", "颐养中心·金色家园", "elderly_day_care", "", "affordable", 300, "每天 08:00-17:30", 20, 0.35),
    ("XS-HOMECARE3", "居家养老服务站·柿香里", "home_care_station", "", "affordable", 160, "每天 08:00-17:00", 15, 0.9),
    ("XS-4PM3", "四点半课堂·柿香里", "after_school_class", "", "free", 120, "周一至五 16:00-18:30", 30, 0.85),
    ("XS-KG4", "市北幼儿园（金色家园园区）", "kindergarten", "", "affordable", 1500, "周一至五 07:30-17:00", 180, 0.35),
    ("XS-NURSERY3", "市北托儿所（新湖苑）", "nursery", "", "affordable", 400, "周一至五 07:30-17:30", 40, 0.55),
    ("XS-CLINIC2", "社区卫生服务站·柿香里", "health_station", "", "affordable", 200, "周一至六 08:00-17:00", 10, 0.8),
    ("XS-PRIMARY2", "市北小学（东校区）", "primary_school", "", "free", 8000, "周一至五 07:30-17:00", 800, 0.85),
]
# The model community's 5-minute circle (300 m on foot), as the health check measures it: one point of a kind
# reaches about a fifth of 市北's residents, so each of the "一老一小" services and the service stations stand
# at seven or so places over its 4 小区 (the company's seven 婴幼儿成长驿站, as the articles count them).
SHIBEI += [
    ("XS-YIZHAN2", "婴幼儿成长驿站·二", "childcare", "", "earning", 160, "周一至周六 08:00-18:00", 20, 0.1),
    ("XS-YIZHAN3", "婴幼儿成长驿站·三", "childcare", "", "earning", 160, "周一至周六 08:00-18:00", 20, 0.25),
    ("XS-YIZHAN4", "婴幼儿成长驿站·四", "childcare", "", "earning", 150, "周一至周六 08:00-18:00", 20, 0.4),
    ("XS-YIZHAN5", "婴幼儿成长驿站·五", "childcare", "", "earning", 150, "周一至周六 08:00-18:00", 20, 0.7),
    ("XS-YIZHAN6", "婴幼儿成长驿站·六", "childcare", "", "earning", 140, "周一至周六 08:00-18:00", 15, 0.85),
    ("XS-YIZHAN7", "婴幼儿成长驿站·七", "childcare", "", "earning", 140, "周一至周六 08:00-18:00", 15, 0.95),
    ("XS-4PM4", "四点半课堂·喜柿汇一", "after_school_class", "", "free", 100, "周一至五 16:00-18:30", 25, 0.1),
    ("XS-4PM5", "四点半课堂·喜柿汇二", "after_school_class", "", "free", 100, "周一至五 16:00-18:30", 25, 0.37),
    ("XS-4PM6", "四点半课堂·喜柿汇三", "after_school_class", "", "free", 100, "周一至五 16:00-18:30", 25, 0.62),
    ("XS-4PM7", "四点半课堂·喜柿汇四", "after_school_class", "", "free", 100, "周一至五 16:00-18:30", 25, 0.88),
    ("XS-DAYROOM1", "日间照料室·一", "elderly_day_care", "", "affordable", 160, "每天 08:00-17:30", 15, 0.1),
    ("XS-DAYROOM2", "日间照料室·二", "elderly_day_care", "", "affordable", 160, "每天 08:00-17:30", 15, 0.45),
    ("XS-DAYROOM3", "日间照料室·三", "elderly_day_care", "", "affordable", 150, "每天 08:00-17:30", 15, 0.65),
    ("XS-DAYROOM4", "日间照料室·四", "elderly_day_care", "", "affordable", 150, "每天 08:00-17:30", 15, 0.95),
    ("XS-CANTEEN5", "助餐点·喜柿花园", "elderly_canteen", "", "affordable", 100, "每天 10:30-13:00", 30, 0.1),
    ("XS-CANTEEN6", "助餐点·柿香里", "elderly_canteen", "", "affordable", 100, "每天 10:30-13:00", 30, 0.9),
    ("XS-CANTEEN7", "助餐点·东门", "elderly_canteen", "", "affordable", 90, "每天 10:30-13:00", 25, 0.95),
    (
        "XS-HOMECARE4",
        "居家养老服务站·喜柿花园",
        "home_care_station",
        "",
        "affordable",
        150,
        "每天 08:00-17:00",
        15,
        0.1,
    ),
    (
        "XS-HOMECARE5",
        "居家养老服务站·金色家园",
        "home_care_station",
        "",
        "affordable",
        150,
        "每天 08:00-17:00",
        15,
        0.4,
    ),
    ("XS-GRID1", "网格服务驿站·一", STATION, "", "free", 60, "每天 08:30-17:30", 10, 0.15),
    ("XS-GRID2", "网格服务驿站·二", STATION, "", "free", 60, "每天 08:30-17:30", 10, 0.5),
    ("XS-GRID3", "网格服务驿站·三", STATION, "", "free", 60, "每天 08:30-17:30", 10, 0.8),
    # the community shuttle (社区微公交) stops inside the 小区, beside the city buses' stops on the streets around
    ("XS-SHUTTLE1", "社区微公交·喜柿花园站", "bus_stop", "", "free", 10, "06:30-20:30", 0, 0.1),
    ("XS-SHUTTLE2", "社区微公交·金色家园站", "bus_stop", "", "free", 10, "06:30-20:30", 0, 0.35),
    ("XS-SHUTTLE3", "社区微公交·新湖苑站", "bus_stop", "", "free", 10, "06:30-20:30", 0, 0.6),
    ("XS-SHUTTLE4", "社区微公交·柿香里站", "bus_stop", "", "free", 10, "06:30-20:30", 0, 0.9),
]
# 利民, a 普惠型 community: the basic services of each kind, fewer of them.
LIMIN = [
    ("LM-CENTRE", "利民邻里中心", "neighbourhood_centre", "centre", "affordable", 1200, "每天 08:00-20:00", 100, 0.5),
    ("LM-CANTEEN", "利民长者食堂", "elderly_canteen", "", "affordable", 260, "每天 10:30-13:00", 80, 0.45),
    ("LM-STATION", "利民社区服务站", STATION, "", "free", 300, "周一至周五 08:30-17:30", 30, 0.6),
    ("LM-CARE", "居家养老服务站", "home_care_station", "", "affordable", 240, "每天 08:00-17:00", 20, 0.3),
    ("LM-STATION2", "利民社区服务站·西苑", STATION, "", "free", 200, "周一至五 08:30-17:30", 20, 0.2),
    ("LM-KG", "利民幼儿园", "kindergarten", "", "affordable", 1800, "周一至五 07:30-17:00", 200, 0.5),
    ("LM-NURSERY", "利民托儿所", "nursery", "", "affordable", 400, "周一至五 07:30-17:30", 40, 0.4),
    ("LM-PRIMARY", "利民小学", "primary_school", "", "free", 9000, "周一至五 07:30-17:00", 900, 0.5),
    ("LM-MARKET", "利民农贸市场", "market", "", "earning", 1200, "每天 06:00-19:00", 200, 0.5),
    ("LM-BUS1", "利民东苑公交站", "bus_stop", "", "free", 20, "05:30-22:30", 0, 0.3),
    ("LM-BUS2", "利民西苑公交站", "bus_stop", "", "free", 20, "05:30-22:30", 0, 0.7),
    ("LM-FIT1", "健身点·利民东苑", "fitness_ground", "", "free", 300, "全天开放", 30, 0.3),
    ("LM-FIT2", "健身点·利民西苑", "fitness_ground", "", "free", 300, "全天开放", 30, 0.7),
    ("LM-CULTURE", "利民文化活动站", "culture_station", "", "free", 300, "每天 08:30-21:00", 60, 0.5),
    ("LM-COURT", "利民篮球场", "sports_ground", "", "free", 800, "每天 06:00-21:00", 30, 0.5),
    ("LM-CLINIC", "利民卫生服务站", "health_station", "", "affordable", 300, "周一至六 08:00-17:00", 10, 0.5),
    ("LM-DAYCARE", "利民日间照料中心", "elderly_day_care", "", "affordable", 400, "每天 08:00-17:30", 30, 0.5),
    ("LM-SHOP1", "便利店·利民东苑", "convenience_store", "", "earning", 80, "每天 07:00-23:00", 10, 0.3),
    ("LM-SHOP2", "便利店·利民西苑", "convenience_store", "", "earning", 80, "每天 07:00-23:00", 10, 0.7),
    ("LM-4PM", "利民四点半课堂", "after_school_class", "", "free", 120, "周一至五 16:00-18:30", 30, 0.5),
]
# What a 普惠型 community adds to the basics: childcare for the under-threes (托育), meals and day care nearer the
# elders, a second after-school class and service station, a shared office for small firms and a shuttle stop.
LIMIN += [
    ("LM-CARE0", "利民托育点·东苑", "childcare", "", "affordable", 200, "周一至周五 07:30-18:00", 20, 0.3),
    ("LM-CARE1", "利民托育点·西苑", "childcare", "", "affordable", 180, "周一至周五 07:30-18:00", 20, 0.7),
    ("LM-CANTEEN2", "助餐点·利民东苑", "elderly_canteen", "", "affordable", 100, "每天 10:30-13:00", 30, 0.3),
    ("LM-CANTEEN3", "助餐点·利民西苑", "elderly_canteen", "", "affordable", 100, "每天 10:30-13:00", 30, 0.7),
    ("LM-DAYROOM", "日间照料室·利民西苑", "elderly_day_care", "", "affordable", 150, "每天 08:00-17:30", 15, 0.7),
    ("LM-CARE2", "居家养老服务站·西苑", "home_care_station", "", "affordable", 150, "每天 08:00-17:00", 15, 0.7),
    ("LM-4PM2", "四点半课堂·利民西苑", "after_school_class", "", "free", 80, "周一至五 16:00-18:30", 20, 0.7),
    ("LM-STATION3", "利民社区服务站·南区", STATION, "", "free", 120, "周一至五 08:30-17:30", 15, 0.9),
    ("LM-COWORK", "利民共享办公室", "co_working", "", "earning", 200, "周一至周五 09:00-18:00", 20, 0.5),
    ("LM-SHUTTLE", "社区微公交·利民站", "bus_stop", "", "free", 10, "06:30-20:30", 0, 0.5),
    ("LM-CULTURE2", "文化家园·利民西苑", "culture_station", "", "free", 200, "每天 08:30-21:00", 40, 0.7),
]
# (facility, kind, name, provider, price fen, unit, bookable, slot hours, capacity per slot)
SERVICES = [
    ("XS-HUB", "barber", "爱心理发", "喜柿天地理发室", 1500, "次", True, ((9, 0), (10, 0), (14, 0), (15, 0)), 4),
    ("XS-HUB", "laundry", "洗衣", "净衣坊", 800, "件", False, (), 0),
    ("XS-HUB", "tailoring", "缝补", "巧手阿姨志愿队", 500, "件", False, (), 0),
    ("XS-HUB", "repair", "家电维修", "邻里维修铺", 2000, "次", True, ((9, 30), (14, 30)), 3),
    ("XS-HUB", "health", "健康监测", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 12),
    ("XS-C1", "venue", "活动室预约", OPERATOR, 0, "小时", True, ((9, 0), (14, 0), (19, 0)), 1),
    ("XS-C2", "venue", "活动室预约", OPERATOR, 0, "小时", True, ((9, 0), (14, 0), (19, 0)), 1),
    ("XS-C3", "barber", "理发", "喜柿汇理发点", 1200, "次", True, ((9, 0), (10, 0)), 3),
    ("XS-C4", "venue", "舞蹈排练厅", OPERATOR, 0, "小时", True, ((19, 0), (20, 0)), 1),
    ("XS-CANTEEN", "meals", "老年助餐", "喜柿餐厅", 1000, "餐", False, (), 0),
    ("XS-SCHOOL", "course", "幸福学堂课程", "社区学校", 0, "期", False, (), 0),
    ("XS-CARE", "childcare", "托育", "小时光托育", 180000, "月", False, (), 0),
    ("XS-DAYCARE", "day_care", "日间照料", "颐养中心", 3000, "天", True, ((8, 30),), 30),
    ("XS-STUDY", "venue", "自习座位", OPERATOR, 0, "半天", True, ((8, 0), (13, 0), (18, 0)), 30),
    ("XS-COURT", "venue", "篮球场预约", OPERATOR, 0, "小时", True, ((7, 0), (18, 0), (19, 0), (20, 0)), 1),
    ("XS-HALL", "venue", "议事厅预约", OPERATOR, 0, "半天", True, ((9, 0), (14, 0)), 1),
    ("LM-CENTRE", "barber", "理发", "利民理发室", 1200, "次", True, ((9, 0), (10, 0)), 3),
    ("LM-CANTEEN", "meals", "长者助餐", "利民长者食堂", 1200, "餐", False, (), 0),
    ("LM-CLINIC", "health", "健康监测", "利民卫生服务站", 0, "次", True, ((8, 30),), 10),
    ("LM-CENTRE", "venue", "活动室预约", "利民社区居委会", 0, "小时", True, ((9, 0), (14, 0)), 1),
    # the health corners (健康小屋) of the 喜柿汇 and of 利民's stations: blood pressure and sugar, by appointment
    ("XS-C1", "health", "健康小屋", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
    ("XS-C2", "health", "健康小屋", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
    ("XS-C3", "health", "健康小屋", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
    ("XS-C4", "health", "健康小屋", "社区卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
    ("LM-STATION", "health", "健康小屋", "利民卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
    ("LM-CARE", "health", "健康小屋", "利民卫生服务站", 0, "次", True, ((8, 30), (9, 30)), 10),
]


# The venues 强社公司 runs, assigned to its operator account (who sees them under “My spaces today”).
OPERATED = ["XS-C1", "XS-C2", "XS-C4", "XS-STUDY", "XS-COURT", "XS-HALL"]
# Lower prices from an age on: (facility, service, label, from age, price fen)
PRICE_RULES = [
    ("XS-HUB", "爱心理发", "70岁以上", 70, 800),
    ("XS-HUB", "爱心理发", "80岁以上", 80, 0),
    ("XS-C3", "理发", "老人价", 70, 600),
]


def _place(community: Community, share: float, buildings: list[Building]) -> Building:
    return buildings[min(len(buildings) - 1, int(share * len(buildings)))]


# Spaces that opened during the year, days before the build (the others were in service before the platform began),
# so that the cockpit's past months count the spaces as they were.
OPENED_DAYS_AGO = {
    "XS-COWORK": 150,
    "XS-4PM": 60,
    "XS-YIZHAN": 200,
    "LM-STATION": 150,
    "LM-CARE": 60,
    "LM-CARE0": 120,
    "LM-CARE1": 90,
    "LM-COWORK": 120,
}


def _register(
    admin: User,
    community: Community,
    plan: list[tuple[Any, ...]],
    shared_with: Community | None,
    today: dt.date,
    sites: dict[str, int],
) -> dict[str, Facility]:
    """Each space registered by the community's admin through the register's service, as on its page. `sites`: the
    building chosen for each facility by the demo's siting step (`linli.demo.siting`); without it (a domain's own
    tests) a facility stands at its share of the buildings ordered west to east."""
    recent = {code: today - dt.timedelta(days=days) for code, days in OPENED_DAYS_AGO.items()}
    cats = {c.code: c for c in FacilityCategory.objects.all()}
    buildings = list(Building.objects.filter(community=community).order_by("lng", "lat"))
    by_id = {b.pk: b for b in buildings}
    made: dict[str, Facility] = {}
    for code, name, cat, tier, nature, area, hours, capacity, share in plan:
        b = by_id[sites[code]] if code in sites else _place(community, share, buildings)
        shared = code in ("XS-HUB", "XS-SCHOOL", "XS-COURT")
        made[code] = register.facility_create(
            actor=admin,
            community=community,
            code=code,
            name=name,
            category=cats[cat],
            scenario=cats[cat].default_scenario,
            nature=nature,
            tier=tier,
            operator=OPERATOR if nature != "free" else f"{community.name}居委会",
            building=b,
            floor="1F",
            lat=b.lat,
            lng=b.lng,
            floor_area_m2=area,
            opening_hours=hours,
            capacity=capacity,
            phone=f"0571-8288{len(made) + 1:04d}",
            shared=shared,
            opened_on=recent.get(code),
            **({"shared_with": [shared_with.code]} if shared and shared_with is not None else {}),
        )
    return made


def build(ctx: DemoContext) -> None:
    ensure_catalogue()
    shibei, limin = ctx.communities[0], ctx.communities[1]
    now = ctx.now
    today = ctx.today
    tz = timezone.get_current_timezone()
    admins = {shibei.pk: ctx.users["community_admin"], limin.pk: ctx.users["limin_admin"]}
    with transaction.atomic(), telling_no_one():
        sites = ctx.extra.get("sites", {})
        facilities = {
            **_register(admins[shibei.pk], shibei, SHIBEI, limin, today, sites),
            **_register(admins[limin.pk], limin, LIMIN, None, today, sites),
        }
        services: dict[tuple[str, str], Service] = {}
        slot_plan = []
        for fcode, kind, name, provider, price, unit, bookable, hours, cap in SERVICES:
            f = facilities[fcode]
            services[(fcode, name)] = register.service_create(
                actor=admins[f.community_id],
                facility=f,
                kind=kind,
                name=name,
                provider=provider,
                price_fen=price,
                price_unit=unit,
                bookable=bookable,
            )
            slot_plan.append(((fcode, name), hours, cap))
        # Slots: from the first of last month (for history) to three weeks ahead, closed on Mondays, opened by the
        # community's admin three days before the first of last month.
        first_day = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        opened = dt.datetime.combine(first_day - dt.timedelta(days=3), dt.time(9), tzinfo=tz)
        slots = []
        for key, hours, cap in slot_plan:
            service = services[key]
            for offset in range((first_day - today).days, 22):
                day = today + dt.timedelta(days=offset)
                if day.weekday() == 0:
                    continue
                for h, m in hours:
                    start = dt.datetime.combine(day, dt.time(h, m), tzinfo=tz)
                    slots.append(
                        register.slot_create(
                            actor=admins[service.community_id],
                            service=service,
                            starts_at=start,
                            ends_at=start + dt.timedelta(hours=1),
                            capacity=cap,
                            now=opened,
                        )
                    )
        booked = _bookings(ctx, slots, now)
        # What staff set up from the pages, through the same services: who runs which space, price rules.
        admin, operator = ctx.users.get("community_admin"), ctx.users.get("operator")
        if admin is not None and operator is not None:
            for code in OPERATED:
                register.facility_operators_set(actor=admin, facility=facilities[code], operators=[operator])
        if admin is not None:
            for fcode, name, label, age, fen in PRICE_RULES:
                register.service_price_rule_add(
                    actor=admin, service=services[(fcode, name)], label=label, min_age=age, price_fen=fen
                )
        ctx.progress(
            f"  facilities: {len(facilities)} spaces, {len(services)} services, {len(slots)} slots, {booked} bookings"
        )


# How full the free services' slots of several places are: (lowest, highest) share of the places booked.
FILL = {"health": (0.5, 0.9)}
FILL_SEATS = (0.25, 0.45)  # the study room's seats
VENUE_BOOKED = 0.6  # the chance a room or a court is booked for a slot
ATTENDS = 0.92  # of the bookings of a past slot, the share checked in; the rest become no-shows


def _bookings(ctx: DemoContext, slots: list[Slot], now: dt.datetime) -> int:
    """The free services' bookings since the first of last month and in the weeks ahead, taken by each community's
    front desk from its residents' lists two days before (the paid ones wait for payment online, which the demo
    does not make), through the booking services; past ones checked in at the start, the others left to the
    periodic close, which makes them no-shows. Returns the bookings made."""
    rnd = ctx.random
    desk = {
        ctx.communities[0].pk: ctx.users.get("community_admin"),
        ctx.communities[1].pk: ctx.users.get("limin_admin"),
    }
    pools = {}
    for c, size in zip(ctx.communities[:2], (3000, 1000), strict=True):
        ids = rnd.sample(
            list(
                Resident.objects.filter(community=c, moved_out_on__isnull=True)
                .values_list("pk", flat=True)
                .order_by("pk")
            ),
            size,
        )
        chosen = Resident.objects.select_related("community", "user").in_bulk(ids)
        pools[c.pk] = [chosen[pk] for pk in ids]
    made = 0
    for slot in slots:
        admin = desk.get(slot.community_id)
        service = slot.service
        if admin is None or service.price_fen or not service.bookable or not slot.capacity:
            continue
        past = slot.starts_at < now
        if not past and rnd.random() < 0.85:  # the weeks ahead: some slots booked already
            continue
        if slot.capacity == 1:  # a room or a court: booked or not
            taken = int(rnd.random() < VENUE_BOOKED)
        else:
            taken = round(slot.capacity * rnd.uniform(*FILL.get(service.kind, FILL_SEATS)))
        if not taken:
            continue
        group = rnd.sample(pools[slot.community_id], taken)
        bookings = register.bookings_create(
            actor=admin, slot=slot, residents=group, now=min(now, slot.starts_at - dt.timedelta(days=2))
        )
        made += len(bookings)
        if past:
            came = [b for b in bookings if rnd.random() < ATTENDS]
            if came:
                register.bookings_check_in(actor=admin, bookings=came, now=slot.starts_at)
    register.bookings_close_past(now=now)
    return made
