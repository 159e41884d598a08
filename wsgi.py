"""For `gunicorn --preload wsgi:app`: settings come from the environment.

With --preload the app (the FAQ index, jieba's and pypinyin's tables) is built once in the master and
the forked workers share its memory; each worker opens its own database connections (bot.db).
"""
import gc

from bot import create_app
from bot.content.vectors import finish_building

app = create_app()
finish_building()  # FAQ vectors the cache lacked: embedded now, or the workers would never get them
app.extensions["community"].db.dispose()  # the master keeps no connection a worker could inherit
gc.freeze()  # what was built before the fork stays out of the collector, whose passes would copy it per worker
