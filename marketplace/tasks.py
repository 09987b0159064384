"""Background work of the market: e-mail copies of in-site notices.

Sent after the writer's transaction commits, by the task queue (the worker in production,
inline under the immediate backend), so a slow or failing mail server neither holds a request
nor undoes the notice; a failed send stays in the task results for the administrator.
"""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from marketplace.models import Notice


@task()
def notice_email_send(*, notice_id: int) -> bool:
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is None or not notice.user.email:
        return False
    link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
    send_mail(
        subject=f"[{settings.SITE_NAME}] {notice.subject}",
        message=f"{notice.body}{link}",
        from_email=None,
        recipient_list=[notice.user.email],
    )
    return True
