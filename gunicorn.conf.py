"""Gunicorn settings read automatically when gunicorn starts in this folder (`gunicorn config.wsgi`).

Only what the product needs from the web server: no `Server` header naming the software (ASVS V14.3.3;
gunicorn has no setting for it, so its default headers are filtered here). Workers, binding and timeouts stay
the deployment's to choose on the command line.
"""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_header(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header
