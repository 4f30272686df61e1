"""The config the ``tortoise`` CLI reads.

``python -m tortoise -c server.tortoise_config.TORTOISE_ORM makemigrations -n <name>``
"""

from server.db import tortoise_config
from server.settings import load_settings

TORTOISE_ORM = tortoise_config(load_settings())
