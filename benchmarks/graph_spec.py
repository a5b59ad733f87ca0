"""The shape of the benchmark graph: labels, properties, relationship types, indexes.

Kept apart from the generator (graphgen.py) so the data model reads as a table. Sizes are
shares of the node count; a few kinds are clamped (there are not 3,000 countries).

Value generators are short strings parsed by graphgen: "int:LO:HI", "float:LO:HI",
"bool:P", "enum:a|b|c" (Zipf-skewed), "word:VOCAB", "text:MIN:MAX", "uid:PREFIX" (unique),
"seq:PREFIX" (unique), "code3" (unique 3 letters), "email", "phone", "zip", "date:Y0:Y1",
"datetime:Y0:Y1", "ldatetime:Y0:Y1", "words:VOCAB:KMAX", "ints:LO:HI:KMAX",
"floats:KMAX", "point".
"""

from __future__ import annotations

from dataclasses import dataclass, field

# CSV header type (neo4j-admin import) -> the Cypher type name valueType() reports.
CYPHER_TYPE = {
    "string": "STRING",
    "long": "INTEGER",
    "double": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "ZONED DATETIME",
    "localdatetime": "LOCAL DATETIME",
    "point": "POINT",
    "string[]": "LIST<STRING>",
    "long[]": "LIST<INTEGER>",
    "double[]": "LIST<FLOAT>",
}


@dataclass(frozen=True)
class Variant:
    """One value type of a property: its CSV type, its share among holders, its generator."""

    csv_type: str
    share: float
    gen: str


@dataclass(frozen=True)
class Prop:
    name: str
    fill: float  # share of the owner's entities that hold the property
    variants: tuple[Variant, ...]

    @property
    def mixed(self) -> bool:
        return len(self.variants) > 1


def p(name: str, csv_type: str, fill: float, gen: str) -> Prop:
    """A single-typed property."""
    return Prop(name, fill, (Variant(csv_type, 1.0, gen),))


def mixed(name: str, fill: float, *variants: tuple[str, float, str]) -> Prop:
    """A property whose value type differs between entities of the same label or type."""
    return Prop(name, fill, tuple(Variant(t, s, g) for t, s, g in variants))


@dataclass(frozen=True)
class Kind:
    """Nodes created together: one primary label (None: unlabeled) plus optional extras."""

    label: str | None
    share: float
    props: tuple[Prop, ...]
    extra_labels: tuple[tuple[str, float], ...] = ()
    min_count: int = 1
    max_count: int | None = None
    orphan_share: float = 0.015  # kept out of every relationship on purpose
    all_orphans: bool = False


@dataclass(frozen=True)
class Endpoint:
    """Which nodes a relationship segment picks from, and how (degree distribution).

    pool: a label, optionally "Label+Extra" (nodes having both), or "_unlabeled".
    dist: "each" (every node of the pool in turn), "pl:A" (power law, A > 1 skews more),
          "hub:SHARE:N:A" (SHARE of the picks go to N hub nodes, the rest power law A).
    """

    pool: str
    dist: str


@dataclass(frozen=True)
class Segment:
    start: Endpoint
    end: Endpoint
    per: str  # the pool whose size scales the count
    factor: float


@dataclass(frozen=True)
class RelType:
    name: str
    segments: tuple[Segment, ...]
    props: tuple[Prop, ...] = field(default_factory=tuple)


def seg(start: str, sdist: str, end: str, edist: str, per: str, factor: float) -> Segment:
    return Segment(Endpoint(start, sdist), Endpoint(end, edist), per, factor)


STATUS = "enum:active|inactive|pending|blocked|deleted"

KINDS: tuple[Kind, ...] = (
    Kind(
        "Person",
        0.22,
        (
            p("id", "string", 1.0, "uid:p"),
            p("name", "string", 1.0, "word:fullname"),
            p("email", "string", 0.92, "email"),
            p("age", "long", 0.8, "int:16:95"),
            p("born", "date", 0.75, "date:1930:2010"),
            p("gender", "string", 0.6, "enum:f|m|x|unknown"),
            p("phone", "string", 0.55, "phone"),
            p("city", "string", 0.7, "word:city"),
            p("country", "string", 0.7, "word:country"),
            p("score", "double", 0.5, "float:0:100"),
            p("verified", "boolean", 0.9, "bool:0.7"),
            p("created_at", "datetime", 1.0, "datetime:2010:2025"),
            p("last_login", "datetime", 0.6, "datetime:2020:2025"),
            p("tags", "string[]", 0.3, "words:tag:5"),
            p("languages", "string[]", 0.25, "words:lang:3"),
            p("bio", "string", 0.15, "text:5:30"),
            p("nickname", "string", 0.1, "word:first"),
            p("height_cm", "double", 0.2, "float:140:210"),
            mixed("zip", 0.65, ("long", 0.6, "int:1000:99999"), ("string", 0.4, "zip")),
            p("newsletter", "boolean", 0.4, "bool:0.3"),
            p("income", "long", 0.1, "int:10000:400000"),
            p("twitter", "string", 0.03, "word:handle"),
            p("middle_name", "string", 0.01, "word:first"),
            p("legacy_id", "long", 0.0008, "int:1:9999999"),
        ),
        extra_labels=(("Customer", 0.45), ("Employee", 0.04)),
    ),
    Kind(
        "Review",
        0.16,
        (
            p("rating", "long", 1.0, "int:1:5"),
            p("title", "string", 0.7, "text:2:8"),
            p("text", "string", 0.85, "text:10:60"),
            p("created_at", "datetime", 1.0, "datetime:2015:2025"),
            p("helpful_votes", "long", 0.4, "int:0:500"),
            p("language", "string", 0.5, "word:lang"),
            p("verified_purchase", "boolean", 0.8, "bool:0.8"),
        ),
    ),
    Kind(
        "Order",
        0.13,
        (
            p("order_no", "string", 1.0, "seq:ORD"),
            p("created_at", "datetime", 1.0, "datetime:2015:2025"),
            p("status", "string", 1.0, "enum:delivered|shipped|paid|cancelled|returned|open"),
            mixed("total", 0.97, ("double", 0.85, "float:1:5000"), ("long", 0.15, "int:1:5000")),
            p("currency", "string", 0.97, "word:currency"),
            p("items", "long", 0.9, "int:1:40"),
            p("shipped_on", "date", 0.6, "date:2015:2025"),
            p("coupon", "string", 0.08, "word:word"),
            p("gift", "boolean", 0.05, "bool:1"),
            p("notes", "string", 0.04, "text:3:20"),
        ),
        extra_labels=(("Archived", 0.1),),
    ),
    Kind(
        "Post",
        0.10,
        (
            p("title", "string", 1.0, "text:3:12"),
            p("body", "string", 0.95, "text:20:80"),
            p("created_at", "datetime", 1.0, "datetime:2012:2025"),
            p("likes", "long", 0.9, "int:0:100000"),
            p("shares", "long", 0.5, "int:0:5000"),
            p("language", "string", 0.6, "word:lang"),
            p("hashtags", "string[]", 0.35, "words:tag:8"),
            p("pinned", "boolean", 0.02, "bool:1"),
            p("edited_at", "datetime", 0.12, "datetime:2012:2025"),
        ),
        extra_labels=(("Archived", 0.05),),
    ),
    Kind(
        "Product",
        0.08,
        (
            p("sku", "string", 1.0, "seq:SKU"),
            p("name", "string", 1.0, "text:2:5"),
            p("price", "double", 0.98, "float:0.5:2500"),
            p("description", "string", 0.8, "text:10:50"),
            p("brand", "string", 0.75, "word:brand"),
            p("color", "string", 0.5, "enum:black|white|red|blue|green|grey|pink"),
            mixed("weight", 0.6, ("double", 0.7, "float:0.01:80"), ("string", 0.3, "word:weight")),
            p("in_stock", "boolean", 0.95, "bool:0.8"),
            p("stock", "long", 0.7, "int:0:10000"),
            p("released", "date", 0.55, "date:2000:2025"),
            p("dimensions_cm", "double[]", 0.3, "floats:3"),
            p("ean", "string", 0.4, "phone"),
            p("rating_avg", "double", 0.45, "float:1:5"),
            p("discontinued", "boolean", 0.03, "bool:1"),
        ),
    ),
    Kind(
        "Comment",
        0.07,
        (
            p("text", "string", 1.0, "text:3:40"),
            p("created_at", "datetime", 1.0, "datetime:2012:2025"),
            p("likes", "long", 0.6, "int:0:2000"),
            p("flagged", "boolean", 0.02, "bool:1"),
            p("edited", "boolean", 0.1, "bool:1"),
        ),
    ),
    Kind(
        "Address",
        0.05,
        (
            p("street", "string", 1.0, "text:2:4"),
            p("number", "string", 0.9, "int:1:500"),
            p("city", "string", 1.0, "word:city"),
            mixed("zip", 0.95, ("string", 0.7, "zip"), ("long", 0.3, "int:1000:99999")),
            p("country", "string", 1.0, "word:country"),
            p("lat", "double", 0.6, "float:-60:70"),
            p("lon", "double", 0.6, "float:-170:170"),
            p("is_primary", "boolean", 0.5, "bool:0.6"),
        ),
    ),
    Kind(
        "Session",
        0.045,
        (
            p("started", "localdatetime", 1.0, "ldatetime:2022:2025"),
            p("duration_s", "long", 0.9, "int:1:20000"),
            p("device", "string", 0.95, "enum:mobile|desktop|tablet|tv"),
            p("ip", "string", 0.8, "phone"),
            p("pages", "long[]", 0.4, "ints:1:500:10"),
            p("user_agent", "string", 0.7, "text:3:8"),
        ),
    ),
    Kind(
        "Payment",
        0.04,
        (
            p("amount", "double", 1.0, "float:1:5000"),
            p("currency", "string", 1.0, "word:currency"),
            p("method", "string", 0.98, "enum:card|paypal|transfer|cash|crypto"),
            p("paid_at", "datetime", 0.95, "datetime:2015:2025"),
            p("status", "string", 1.0, "enum:ok|failed|refunded|pending"),
            p("card_last4", "string", 0.6, "int:1000:9999"),
            p("installments", "long", 0.05, "int:2:24"),
        ),
    ),
    Kind(
        "Tag",
        0.02,
        (
            p("name", "string", 1.0, "word:tag"),
            p("created_at", "datetime", 0.5, "datetime:2010:2025"),
            p("usage", "long", 0.8, "int:0:1000000"),
            p("synonyms", "string[]", 0.1, "words:tag:4"),
            p("color", "string", 0.2, "enum:red|blue|green|yellow"),
        ),
    ),
    Kind(
        "Company",
        0.015,
        (
            p("company_id", "string", 1.0, "uid:c"),
            p("name", "string", 1.0, "word:brand"),
            p("founded", "date", 0.7, "date:1850:2024"),
            p("employees", "long", 0.6, "int:1:300000"),
            p("revenue", "double", 0.35, "float:10000:90000000"),
            p("industry", "string", 0.8, "word:industry"),
            p("website", "string", 0.65, "word:handle"),
            p("public", "boolean", 0.5, "bool:0.2"),
            p("tickers", "string[]", 0.05, "words:handle:2"),
            p("vat", "string", 0.3, "phone"),
            p("country", "string", 0.9, "word:country"),
        ),
        extra_labels=(("Store", 0.08),),
    ),
    Kind(
        "Document",
        0.012,
        (
            p("title", "string", 1.0, "text:2:10"),
            p("body", "string", 0.9, "text:30:120"),
            p("created_at", "datetime", 1.0, "datetime:2005:2025"),
            mixed(
                "version",
                0.7,
                ("long", 0.6, "int:1:40"),
                ("string", 0.3, "word:version"),
                ("double", 0.1, "float:1:9"),
            ),
            p("pages", "long", 0.5, "int:1:900"),
            p("keywords", "string[]", 0.4, "words:word:6"),
            p("mime", "string", 0.95, "enum:application/pdf|text/html|text/plain|image/png"),
            p("size_bytes", "long", 0.9, "int:100:90000000"),
            p("confidential", "boolean", 0.15, "bool:1"),
        ),
        extra_labels=(("Archived", 0.2),),
    ),
    Kind(
        "Event",
        0.01,
        (
            p("name", "string", 1.0, "text:2:6"),
            p("starts", "datetime", 1.0, "datetime:2018:2027"),
            p("ends", "datetime", 0.8, "datetime:2018:2027"),
            mixed("capacity", 0.7, ("long", 0.8, "int:10:100000"), ("string", 0.2, "word:cap")),
            p("online", "boolean", 0.9, "bool:0.4"),
            p("price", "double", 0.5, "float:0:900"),
            p("topics", "string[]", 0.6, "words:tag:5"),
        ),
    ),
    Kind(
        "Store",
        0.005,
        (
            p("code", "long", 1.0, "int:1:999999"),
            p("name", "string", 1.0, "word:brand"),
            p("opened", "date", 0.8, "date:1950:2025"),
            p("open_hours", "string", 0.6, "word:hours"),
            p("size_m2", "double", 0.5, "float:20:20000"),
            p("is_outlet", "boolean", 0.7, "bool:0.1"),
        ),
    ),
    Kind(
        "Category",
        0.002,
        (
            p("code", "string", 1.0, "seq:CAT"),
            p("name", "string", 1.0, "word:word"),
            p("level", "long", 1.0, "int:1:4"),
            p("description", "string", 0.4, "text:5:20"),
            p("visible", "boolean", 0.9, "bool:0.9"),
        ),
        min_count=20,
    ),
    Kind(
        "City",
        0.001,
        (
            p("name", "string", 1.0, "word:city"),
            p("population", "long", 0.85, "int:500:30000000"),
            p("location", "point", 0.9, "point"),
            p("timezone", "string", 0.7, "word:tz"),
            p("capital", "boolean", 0.05, "bool:1"),
        ),
        min_count=20,
    ),
    Kind(
        "Country",
        0.0003,
        (
            p("iso_code", "string", 1.0, "code3"),
            p("name", "string", 1.0, "word:country"),
            p("population", "long", 0.95, "int:10000:1400000000"),
            p("continent", "string", 1.0, "enum:Asia|Africa|Europe|Americas|Oceania"),
            p("eu", "boolean", 0.3, "bool:0.2"),
            p("languages", "string[]", 0.8, "words:lang:4"),
        ),
        min_count=10,
        max_count=250,
        orphan_share=0.0,
    ),
    Kind(
        "Currency",
        0.00005,
        (
            p("code", "string", 1.0, "code3"),
            p("name", "string", 1.0, "word:word"),
            p("symbol", "string", 0.8, "enum:$|€|£|¥|₹|kr"),
            p("decimals", "long", 1.0, "int:0:3"),
            p("active", "boolean", 0.9, "bool:0.95"),
        ),
        min_count=10,
        max_count=40,
        all_orphans=True,  # reference data nobody links to: a label made only of orphans
    ),
    # Nodes without any label, as left behind by old imports.
    Kind(
        None,
        0.004,
        (
            p("legacy_id", "long", 1.0, "int:1:99999999"),
            p("note", "string", 0.5, "text:2:10"),
            p("imported_at", "datetime", 0.8, "datetime:2008:2012"),
        ),
        orphan_share=0.3,
    ),
)

EXTRA_LABELS = ("Customer", "Employee", "Archived", "Store")

REL_TYPES: tuple[RelType, ...] = (
    RelType(
        "KNOWS",
        (seg("Person", "pl:2.2", "Person", "hub:0.08:3:2.5", "Person", 1.2),),
        (
            p("since", "date", 0.7, "date:1990:2025"),
            p("weight", "double", 0.4, "float:0:1"),
            p("source", "string", 0.2, "enum:import|app|web|phone"),
        ),
    ),
    RelType(
        "PLACED",
        (seg("Person+Customer", "pl:2.5", "Order", "each", "Order", 1.0),),
        (
            p("at", "datetime", 1.0, "datetime:2015:2025"),
            p("channel", "string", 0.6, "enum:web|app|store|phone"),
        ),
    ),
    RelType(
        "CONTAINS",
        (seg("Order", "pl:1.5", "Product", "pl:3", "Order", 2.5),),
        (
            p("quantity", "long", 1.0, "int:1:12"),
            p("unit_price", "double", 0.95, "float:0.5:2500"),
            mixed(
                "discount",
                0.15,
                ("double", 0.7, "float:0:0.9"),
                ("string", 0.3, "enum:10%|BOGO|staff|vip"),
            ),
        ),
    ),
    RelType(
        "WROTE",
        (
            seg("Person", "pl:2.5", "Review", "each", "Review", 1.0),
            seg("Person", "pl:3", "Post", "each", "Post", 1.0),
            seg("Person", "pl:2", "Comment", "each", "Comment", 1.0),
            seg("Person+Employee", "pl:1.5", "Document", "each", "Document", 1.0),
        ),
        (p("at", "datetime", 0.9, "datetime:2012:2025"),),
    ),
    RelType(
        "REVIEWS",
        (
            seg("Review", "each", "Product", "pl:3", "Review", 0.9),
            seg("Review", "each", "Store", "pl:2", "Review", 0.1),
        ),
        (
            p("rating", "long", 1.0, "int:1:5"),
            p("verified", "boolean", 0.5, "bool:0.7"),
        ),
    ),
    RelType(
        "IN_CATEGORY",
        (
            seg("Product", "each", "Category", "pl:2.5", "Product", 1.3),
            seg("Category", "each", "Category", "pl:1.5", "Category", 0.8),
        ),
        (p("primary", "boolean", 0.8, "bool:0.7"),),
    ),
    RelType(
        "LOCATED_IN",
        (
            seg("Person", "each", "City", "hub:0.6:1:2", "Person", 0.8),
            seg("Address", "each", "City", "hub:0.5:2:2", "Address", 1.0),
            seg("Company", "each", "City", "pl:2", "Company", 1.0),
            seg("Store", "each", "City", "pl:2", "Store", 1.0),
            seg("Event", "each", "City", "pl:2", "Event", 0.9),
            seg("_unlabeled", "each", "City", "pl:2", "_unlabeled", 0.5),
        ),
        (
            p("since", "date", 0.3, "date:1990:2025"),
            p("confidence", "double", 0.5, "float:0:1"),
        ),
    ),
    RelType(
        "HAS_TAG",
        (
            seg("Post", "pl:1.5", "Tag", "hub:0.45:1:2", "Post", 2.0),
            seg("Product", "pl:1.5", "Tag", "hub:0.3:1:2", "Product", 1.0),
            seg("Document", "pl:1.5", "Tag", "pl:2", "Document", 1.0),
            seg("_unlabeled", "pl:1.5", "Tag", "pl:2", "_unlabeled", 0.2),
        ),
        (
            p("score", "double", 0.2, "float:0:1"),
            p("added_by", "string", 0.1, "word:handle"),
        ),
    ),
    RelType(
        "COMMENTED_ON",
        (
            seg("Comment", "each", "Post", "pl:3", "Comment", 0.7),
            seg("Comment", "each", "Review", "pl:3", "Comment", 0.1),
            seg("Comment", "each", "Comment", "pl:3", "Comment", 0.2),
        ),
    ),
    RelType(
        "WORKS_AT",
        (
            seg("Person+Employee", "each", "Company", "pl:3", "Person+Employee", 0.9),
            seg("Person+Employee", "each", "Store", "pl:2", "Person+Employee", 0.2),
        ),
        (
            p("since", "date", 0.9, "date:1980:2025"),
            p("role", "string", 0.8, "word:role"),
            mixed("salary", 0.4, ("long", 0.8, "int:15000:400000"), ("string", 0.2, "word:cap")),
        ),
    ),
    RelType(
        "IN_COUNTRY",
        (
            seg("City", "each", "Country", "pl:2", "City", 1.0),
            seg("Company", "each", "Country", "pl:3", "Company", 0.9),
        ),
    ),
    RelType(
        "PAID_WITH",
        (seg("Order", "each", "Payment", "each", "Payment", 1.0),),
        (
            p("amount", "double", 1.0, "float:1:5000"),
            p("captured", "boolean", 0.7, "bool:0.95"),
        ),
    ),
    RelType(
        "HAS_SESSION",
        (seg("Person", "pl:2", "Session", "each", "Session", 1.0),),
        (p("device", "string", 0.7, "enum:mobile|desktop|tablet"),),
    ),
)


@dataclass(frozen=True)
class SchemaItem:
    """An index or constraint created after the import, as the ground truth lists it."""

    name: str
    kind: str  # "constraint" or "index"
    type: str  # SHOW INDEXES / SHOW CONSTRAINTS type, e.g. RANGE, UNIQUENESS
    entity_type: str  # NODE or RELATIONSHIP
    label_or_type: str
    properties: tuple[str, ...]
    cypher: str


SCHEMA: tuple[SchemaItem, ...] = (
    SchemaItem(
        "person_id_unique",
        "constraint",
        "UNIQUENESS",
        "NODE",
        "Person",
        ("id",),
        "CREATE CONSTRAINT person_id_unique IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE",
    ),
    SchemaItem(
        "product_sku_unique",
        "constraint",
        "UNIQUENESS",
        "NODE",
        "Product",
        ("sku",),
        "CREATE CONSTRAINT product_sku_unique IF NOT EXISTS "
        "FOR (n:Product) REQUIRE n.sku IS UNIQUE",
    ),
    SchemaItem(
        "order_no_unique",
        "constraint",
        "UNIQUENESS",
        "NODE",
        "Order",
        ("order_no",),
        "CREATE CONSTRAINT order_no_unique IF NOT EXISTS "
        "FOR (n:Order) REQUIRE n.order_no IS UNIQUE",
    ),
    SchemaItem(
        "country_iso_unique",
        "constraint",
        "UNIQUENESS",
        "NODE",
        "Country",
        ("iso_code",),
        "CREATE CONSTRAINT country_iso_unique IF NOT EXISTS "
        "FOR (n:Country) REQUIRE n.iso_code IS UNIQUE",
    ),
    SchemaItem(
        "currency_code_unique",
        "constraint",
        "UNIQUENESS",
        "NODE",
        "Currency",
        ("code",),
        "CREATE CONSTRAINT currency_code_unique IF NOT EXISTS "
        "FOR (n:Currency) REQUIRE n.code IS UNIQUE",
    ),
    SchemaItem(
        "person_email",
        "index",
        "RANGE",
        "NODE",
        "Person",
        ("email",),
        "CREATE INDEX person_email IF NOT EXISTS FOR (n:Person) ON (n.email)",
    ),
    SchemaItem(
        "product_name_price",
        "index",
        "RANGE",
        "NODE",
        "Product",
        ("name", "price"),
        "CREATE INDEX product_name_price IF NOT EXISTS FOR (n:Product) ON (n.name, n.price)",
    ),
    SchemaItem(
        "order_created_at",
        "index",
        "RANGE",
        "NODE",
        "Order",
        ("created_at",),
        "CREATE INDEX order_created_at IF NOT EXISTS FOR (n:Order) ON (n.created_at)",
    ),
    SchemaItem(
        "post_title_text",
        "index",
        "TEXT",
        "NODE",
        "Post",
        ("title",),
        "CREATE TEXT INDEX post_title_text IF NOT EXISTS FOR (n:Post) ON (n.title)",
    ),
    SchemaItem(
        "city_location",
        "index",
        "POINT",
        "NODE",
        "City",
        ("location",),
        "CREATE POINT INDEX city_location IF NOT EXISTS FOR (n:City) ON (n.location)",
    ),
    SchemaItem(
        "document_fulltext",
        "index",
        "FULLTEXT",
        "NODE",
        "Document",
        ("title", "body"),
        "CREATE FULLTEXT INDEX document_fulltext IF NOT EXISTS "
        "FOR (n:Document) ON EACH [n.title, n.body]",
    ),
    SchemaItem(
        "reviews_rating",
        "index",
        "RANGE",
        "RELATIONSHIP",
        "REVIEWS",
        ("rating",),
        "CREATE INDEX reviews_rating IF NOT EXISTS FOR ()-[r:REVIEWS]-() ON (r.rating)",
    ),
)
