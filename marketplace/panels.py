from wagtail.admin.panels import Panel


class PatentCheckPanel(Panel):
    """Shows moderators the registry check of the listing's patents inside the editor."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "marketplace/admin/patent_check_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            # The check's one-to-one reverse accessor: None until the first check is recorded.
            context["check"] = (
                getattr(self.instance, "market_patent_check", None) if self.instance.pk else None
            )
            return context
