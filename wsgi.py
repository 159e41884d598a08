"""For `gunicorn wsgi:app`: settings come from the environment."""
from bot import create_app

app = create_app()
