"""Request helpers every app's views share."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect


def clean_query_redirect(request):
    """Drop empty GET parameters so shared URLs carry only the filters in use."""
    if not request.GET:
        return None
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k) if v != ""]
    if len(pairs) == sum(len(request.GET.getlist(k)) for k in request.GET):
        return None
    query = urlencode(pairs)
    return HttpResponseRedirect(request.path + (f"?{query}" if query else ""))
