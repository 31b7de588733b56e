"""`[core] hostname_callable` for the Celery test: each worker reports the name it was given,
so the test can see which worker ran which task although both run on this machine."""
import os
import socket


def hostname() -> str:
    return os.environ.get("WIREHOUSE_TEST_WORKER_NAME") or socket.getfqdn()
