from wagtail.admin.panels import Panel


class PatentCheckPanel(Panel):
    """Shows moderators the registry check of the listing's patents inside the editor."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "marketplace/admin/patent_check_panel.html"

        def get_context_data(self, parent_context=None):
            from marketplace.models import ListingPatentCheck

            context = super().get_context_data(parent_context)
            context["check"] = (
                ListingPatentCheck.objects.filter(page_id=self.instance.pk).first()
                if self.instance.pk
                else None
            )
            return context
