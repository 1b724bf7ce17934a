"""The domain: models, pure scoring and planning, and the services (use cases) that commit.

Nothing here imports Flask, WTForms or the `app` package; see ../shared/design.md.
"""
