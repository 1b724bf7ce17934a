"""The ceiling for the page benchmark: a bare Flask hello-world under the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello"
