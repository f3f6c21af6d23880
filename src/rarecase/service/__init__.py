"""rarecase as a web service (`rarecase serve`, extra ``rarecase[service]``)."""

from rarecase.service.app import ServiceConfig, app_factory, create_app

__all__ = ["ServiceConfig", "app_factory", "create_app"]
