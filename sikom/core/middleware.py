from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


def no_store_for_personal_pages(get_response):
    """Pages shown to a logged-in person may carry personal data: never keep them in a shared or browser cache."""

    def middleware(request):
        response = get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response

    return middleware


def language_from_cookie(get_response):
    """German unless the person chose English with the language switch; the browser's language is not used,
    so a public-service page opens in German for everyone."""

    def middleware(request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        patch_vary_headers(response, ("Cookie",))
        return response

    return middleware
