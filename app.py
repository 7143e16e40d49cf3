"""Serve the bilingual-digest web app: ``python app.py`` (see README for host/port settings)."""

from bilingual_digest.ui import build_demo, launch

demo = build_demo()

if __name__ == "__main__":
    launch(demo)
