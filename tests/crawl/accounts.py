"""The demo accounts `seed_demo` creates (demo/partners.py), the administrator first."""

from demo.partners import ACCOUNTS

ADMIN = "admin@vision.example"
PROJECT_COORDINATOR = "coordinator@kmpmc.example"  # KMPMC coordinates VISION
DEMO_EMAILS = [ADMIN, *(email for email, *_rest in ACCOUNTS)]
