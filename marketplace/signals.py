"""React to Wagtail's publishing and moderation events for listing pages."""

from django.dispatch import receiver
from wagtail.signals import page_published, task_approved, task_rejected

from marketplace.models import ListingPage, TechnologyResultPage
from marketplace.services import (
    listing_moderation_notify,
    listing_patents_check,
    matches_notify_new_result,
)


@receiver(page_published)
def listing_published(sender, instance, **kwargs):
    if not isinstance(instance, ListingPage):
        return
    listing_patents_check(listing=instance)
    first_time = instance.first_published_at == instance.last_published_at
    if isinstance(instance, TechnologyResultPage) and first_time:
        matches_notify_new_result(result=instance)


def _listing_of(task_state):
    obj = task_state.workflow_state.content_object
    obj = getattr(obj, "specific", obj)
    return obj if isinstance(obj, ListingPage) else None


@receiver(task_approved)
def listing_task_approved(sender, instance, user=None, **kwargs):
    listing = _listing_of(instance)
    if listing is not None:
        listing_moderation_notify(listing=listing, approved=True, comment=instance.comment)


@receiver(task_rejected)
def listing_task_rejected(sender, instance, user=None, **kwargs):
    listing = _listing_of(instance)
    if listing is not None:
        listing_moderation_notify(listing=listing, approved=False, comment=instance.comment)
