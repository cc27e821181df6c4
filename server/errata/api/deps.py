"""FastAPI dependencies: the services of the app and one short session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from ..services import Services


def get_services(request: Request) -> Services:
    """The app's services."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def read_session(services: ServicesDep) -> Iterator[Session]:
    """A read session that lives for one request (sync routes only)."""
    with services.database.read() as session:
        yield session


ReadSession = Annotated[Session, Depends(read_session)]
