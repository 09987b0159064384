"""Signals for other apps. Bulk imports write with multi-row INSERT/COPY and bulk_update, which
send no post_save; receivers that mirror the register (e.g. the search index) connect here."""

from django.dispatch import Signal

# Sent inside the import's transaction, once per written chunk:
# sender = the model class (Patent or Enterprise), ids = list of primary keys created or changed.
registry_bulk_changed = Signal()
