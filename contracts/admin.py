from django.contrib import admin

from contracts.models import ChangeRequest, Contract, NumberSequence, Party, RegistryOffice


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown to administrators, changed only through the workflow that owns the rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegistryOffice)
class RegistryOfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_code"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(ReadOnlyAdmin):
    """Read-only: serials are issued by the registering transaction, never edited by hand."""

    list_display = ["office", "year", "last_serial"]


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    can_delete = False
    readonly_fields = ["role", "name", "uscc", "party_type", "district", "region", "is_lead"]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    """A read-only view for administrators; changes go through the workflow pages."""

    list_display = [
        "name",
        "organization",
        "contract_type",
        "status",
        "registration_number",
        "deadline",
    ]
    list_filter = ["status", "contract_type", "office"]
    search_fields = ["name", "registration_number", "organization__name"]
    inlines = [PartyInline]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdmin):
    """Read-only, like contracts: requests are decided on the contract page."""

    list_display = ["contract", "kind", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["kind", "status"]
    search_fields = ["contract__name", "contract__registration_number"]
