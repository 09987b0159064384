from django.db import models
from django.utils.translation import gettext_lazy as _


class Synonym(models.Model):
    """A group of words that mean the same to a searcher (污水 = 废水); editors maintain them."""

    terms = models.CharField(
        _("同义词组"),
        max_length=500,
        help_text=_("用逗号或空格分隔的等价词，例如：污水，废水。检索任一词时同时检索其余各词。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = verbose_name_plural = _("检索同义词")

    def __str__(self) -> str:
        return self.terms


class SearchEntry(models.Model):
    """The database backend's copy of a SearchDocument: pre-segmented text plus facet columns.

    SQLite keeps an FTS5 table in step with it by triggers, PostgreSQL a generated tsvector
    column (both created in migration 0002); the sync writes only this table.
    """

    kind = models.CharField(max_length=20)
    object_id = models.CharField(max_length=64)
    external_id = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    price_wan = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    trl = models.PositiveSmallIntegerField(null=True, blank=True)
    title_words = models.TextField(blank=True)
    keyword_words = models.TextField(blank=True)
    summary_words = models.TextField(blank=True)
    body_words = models.TextField(blank=True)
    # The distinct Han characters of the entry: a one-character query matches by them.
    char_words = models.TextField(blank=True, default="")
    fingerprint = models.CharField(max_length=64, blank=True)
    # Every facet value of the entry in one string (search.backends.database.facet_key): facet
    # counts group the matched entries by it, one row per entry instead of one per value.
    # Nullable so that adding it on SQLite is an ALTER TABLE, not a table rebuild (which would
    # drop the full-text triggers).
    facet_key = models.TextField(blank=True, null=True)  # noqa: DJ001
    # The same key by number (SearchFacetSet): SQLite counts facets and applies facet filters
    # by joining the full-text matches with the narrow (id, facet_set) index, at a cost that
    # hardly grows with the text of the keys. Nullable for the same reason as facet_key.
    facet_set = models.ForeignKey(
        "SearchFacetSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the composite index below serves every lookup
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")
        ]
        indexes = [
            models.Index(fields=["published_at"]),
            models.Index(fields=["price_wan"]),
            models.Index(fields=["trl"]),
            # Covers the facet count and filters: matched ids → key numbers without reading
            # the wide rows.
            models.Index(fields=["id", "facet_set"], name="search_entry_facet_set"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {self.title}"


class SearchFacetSet(models.Model):
    """One distinct SearchEntry.facet_key (an entry's every facet value in one string), so the
    entries refer to it by number. Rows are only added: a number always names the same key."""

    key = models.TextField(unique=True)

    def __str__(self) -> str:
        return self.key.replace("\x1f", "; ").replace("\x1e", "=")


class SearchEntryText(models.Model):
    """The normalised text of an entry's fields, as the re-ranking reads it
    (search.ranking.Candidate.fields), so a query does not run OpenCC over its 120 candidates'
    bodies again. A table of its own, so the entries stay as narrow as scans of them need."""

    entry = models.OneToOneField(
        SearchEntry, primary_key=True, related_name="rank_text", on_delete=models.CASCADE
    )
    fields = models.JSONField()

    def __str__(self):
        return f"text of {self.entry_id}"


class SearchFacetValue(models.Model):
    """One facet value of an entry (multi-valued facets such as cooperation modes repeat)."""

    entry = models.ForeignKey(SearchEntry, related_name="facet_values", on_delete=models.CASCADE)
    name = models.CharField(max_length=30)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["name", "value", "entry"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SearchSuggestion(models.Model):
    """A term users may complete to (title or keyword), with its pinyin, per entry."""

    entry = models.ForeignKey(SearchEntry, related_name="suggestions", on_delete=models.CASCADE)
    term = models.CharField(max_length=200)
    pinyin = models.CharField(max_length=400, blank=True)
    initials = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["term"]),
            models.Index(fields=["pinyin"]),
            models.Index(fields=["initials"]),
        ]

    def __str__(self) -> str:
        return self.term


class SearchAbbreviation(models.Model):
    """A short form an entry's text defines ("蓄热式热力焚烧（RTO）"): mined at indexing, so the
    query map of abbreviations follows the corpus (search.synonyms merges them)."""

    entry = models.ForeignKey(SearchEntry, related_name="abbreviations", on_delete=models.CASCADE)
    short = models.CharField(max_length=40)
    full = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["short", "full"])]

    def __str__(self) -> str:
        return f"{self.short} = {self.full}"


class SearchOutbox(models.Model):
    """A change to something searchable, written in the same transaction as the change."""

    class Op(models.TextChoices):
        UPSERT = "upsert", _("新增/更新")
        DELETE = "delete", _("删除")

    kind = models.CharField(_("类型"), max_length=20)
    object_id = models.CharField(_("对象编号"), max_length=64)
    op = models.CharField(_("操作"), max_length=10, choices=Op.choices)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    processed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["processed_at", "next_attempt_at"]),
            # Pending rows only: the drain reads them in id order and looks up an object's
            # other pending rows, however many processed rows wait for the purge.
            models.Index(
                fields=["id"],
                condition=models.Q(processed_at__isnull=True),
                name="search_outbox_pending",
            ),
            models.Index(
                fields=["kind", "object_id"],
                condition=models.Q(processed_at__isnull=True),
                name="search_outbox_pending_obj",
            ),
        ]
        verbose_name = verbose_name_plural = _("检索同步队列")

    def __str__(self) -> str:
        return f"{self.op} {self.kind}:{self.object_id}"
