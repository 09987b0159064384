"""Background work of the market: e-mail copies of in-site notices.

Sent after the writer's transaction commits, by the task queue (the worker in production,
inline under the immediate backend), so a slow or failing mail server neither holds a request
nor undoes the notice; a failed send stays in the task results for the administrator.

The task carries only the notice's id: the worker renders the mail in its recipient's language
(accounts' stored choice), never in the worker's own or in that of whoever caused the notice.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django_tasks import task

from accounts.selectors import recipient_language
from marketplace.models import Notice


@task()
def notice_email_send(*, notice_id: int) -> bool:
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is None or not notice.user.email:
        return False
    with translation.override(recipient_language(user=notice.user)):
        link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
        subject = f"[{settings.SITE_NAME}] {notice.subject_text}"
        message = f"{notice.body_text}{link}"
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[notice.user.email])
    return True
