"""Seed values of the shared taxonomies; editors change them as data afterwards."""

DISTRICTS = [
    ("双台子区", "211102"),
    ("兴隆台区", "211103"),
    ("大洼区", "211104"),
    ("盘山县", "211122"),
    ("辽东湾新区", ""),
    ("辽河口生态经济区", ""),
    ("高新技术开发区", ""),
]

# The plan's priority industries first, then modern agriculture and the catch-all.
INDUSTRIES = [
    ("精细化工", True),
    ("海洋工程", True),
    ("石油装备", True),
    ("先进装备制造", True),
    ("电子信息", True),
    ("节能环保", True),
    ("新材料", True),
    ("新能源", True),
    ("现代农业", False),
    ("其他", False),
]
