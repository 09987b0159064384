"""Seed values of the market taxonomies and the aliases imports meet; editors change them later."""

# (code, name, aliases)
COOPERATION_MODES = [
    ("transfer", "转让", "技术转让,成果转让"),
    ("license-exclusive", "独占许可", "许可-独占,许可（独占）"),
    ("license-sole", "排他许可", "许可-排他,许可（排他）"),
    ("license-general", "普通许可", "许可-普通,许可（普通）,技术许可,许可"),
    ("equity", "作价入股", "技术入股"),
    ("joint-development", "合作开发", "联合开发"),
    ("service", "技术服务", "技术咨询"),
]

# (code, name)
HOLDER_TYPES = [
    ("university", "高校"),
    ("institute", "科研院所"),
    ("enterprise", "企业"),
    ("individual", "个人"),
]

# Organization.kind → holder type code.
HOLDER_TYPE_FOR_ORGANIZATION_KIND = {
    "university": "university",
    "institute": "institute",
    "enterprise": "enterprise",
    "other": "enterprise",
}

# Names the sample data uses for core taxonomies (the seeded names are the official ones).
# Districts that mean "not in Panjin": the listing keeps no district.
DISTRICTS_OUTSIDE = {"市外", "外地", ""}
