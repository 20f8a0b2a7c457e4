"""The site search: a thin view over `selectors.search_pages`."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Site

from .selectors import search_pages

RESULTS_PER_PAGE = 10


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = None
    if query:
        site = Site.find_for_request(request)
        paginator = Paginator(search_pages(query, site), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("pagina"))
    return TemplateResponse(request, "cms/search.html", {"query": query, "results": results})
