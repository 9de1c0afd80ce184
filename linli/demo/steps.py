"""The demo is built in steps, one per domain, in this order. Each is `build(ctx: DemoContext) -> None`.

街坊汇 comes in two: its users and merchants early (the volunteers are drawn from the registered users), its year of
shopping after the steps whose records earn the points spent (volunteering, waste sorting), and before the payments
of its orders' yuan parts and the company's 共富 settlement of the orders across communities."""

# (step, what the build's progress bar calls it)
DEMO_STEP_NAMES = [
    ("linli.demo.foundation.build", "街道、社区、楼栋与账号"),
    ("linli.people.demo.build", "居民与家庭"),
    ("linli.demo.siting.build", "设施选址"),
    ("linli.facilities.demo.build", "服务设施与预约"),
    ("linli.canteen.demo.build", "喜柿餐厅"),
    ("linli.courses.demo.build", "幸福学堂"),
    ("linli.childcare.demo.build", "托育"),
    ("linli.ledger.demo.build_members", "街坊汇用户与商户"),
    ("linli.partners.demo.build", "共建单位"),
    ("linli.volunteering.demo.build", "志愿服务"),
    ("linli.fund.demo.build", "社区基金"),
    ("linli.consultation.demo.build", "红心议事"),
    ("linli.mediation.demo.build", "矛盾调解"),
    ("linli.reports.demo.build", "报事报修"),
    ("linli.care.demo.build", "关爱走访"),
    ("linli.waste.demo.build", "垃圾分类"),
    ("linli.ledger.demo.build", "街坊汇与积分"),
    ("linli.payments.demo.build", "在线支付"),
    ("linli.company.demo.build", "强社公司"),
    ("linli.notices.demo.build", "通知公告"),
    ("linli.surveys.demo.build", "需求调研"),
    ("linli.planning.demo.build", "体检评估"),
    ("linli.cockpit.demo.build", "驾驶舱"),
]
DEMO_STEPS = [step for step, _name in DEMO_STEP_NAMES]
