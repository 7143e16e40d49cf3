"""Reaching Ray: is it installed, join a cluster or start a local instance, fail fast if not.

Ray is an optional extra (``pip install 'bilingual-digest[ray]'``); this module imports it
only when a session starts. Ray's usage statistics are off (``RAY_USAGE_STATS_ENABLED=0``)
unless the environment says otherwise, and no dashboard is started.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import BilingualDigestError

INSTALL_HINT = (
    "The Ray engine needs Ray: install the extra with `pip install 'bilingual-digest[ray]'` "
    "(from a source checkout: `pip install '.[ray]'`)."
)


class RayEngineError(BilingualDigestError, RuntimeError):
    """The Ray run could not start or had to stop (no Ray, no cluster, a model not loadable)."""


def ray_missing() -> str | None:
    """Say how to install Ray when it is missing.

    Returns:
        ``None`` when Ray (with Ray Data) can be imported, else :data:`INSTALL_HINT`.
    """
    try:
        found = importlib.util.find_spec("ray") and importlib.util.find_spec("ray.data")
    except (ImportError, ValueError):
        found = None
    return None if found else INSTALL_HINT


def _import_ray() -> Any:
    hint = ray_missing()
    if hint is not None:
        raise RayEngineError(hint)
    import ray
    import ray.data

    return ray


def check_address(address: str, *, timeout: float = 10.0) -> None:
    """Fail fast on a cluster address that can't work (Ray itself retries for minutes).

    Args:
        address: ``"auto"`` (the cluster this machine belongs to; Ray checks it),
            ``"HOST:PORT"`` or ``"ray://HOST:PORT"``.
        timeout: Seconds to wait for the TCP connection.

    Raises:
        RayEngineError: If the address is malformed or nothing answers there.
    """
    if address == "auto":
        return
    host, sep, port = address.split("://", 1)[-1].rpartition(":")
    if not (sep and host and port.isdigit()):
        raise RayEngineError(
            f"Ray cluster address {address!r} is not auto, HOST:PORT or ray://HOST:PORT."
        )
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayEngineError(
            f"Cannot reach the Ray cluster at {address!r} ({exc}): start it there with "
            "`ray start --head`, or check the address."
        ) from exc


@contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None) -> Iterator[Any]:
    """Use Ray: the instance already started in this process, a cluster, or a new local one.

    A session this function starts is shut down when the ``with`` block ends; one that was
    already running (``ray.is_initialized()``) is left running.

    Args:
        address: A cluster to join (``"auto"``, ``"HOST:6379"`` or ``"ray://HOST:10001"``);
            ``None`` starts a local instance on this machine.
        num_cpus: CPUs the local instance offers (default: all of this machine's); ignored
            when joining a cluster.

    Yields:
        The ``ray`` module.

    Raises:
        RayEngineError: If Ray is not installed or the cluster can't be reached (see
            :func:`check_address`).
    """
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    if address is None:
        kwargs["num_cpus"] = num_cpus
    else:
        check_address(address)
    try:
        ray.init(address=address, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"the Ray cluster at {address!r}" if address else "a local Ray instance"
        raise RayEngineError(f"Cannot start or join {where}: {exc}") from exc
    try:
        yield ray
    finally:
        ray.shutdown()
