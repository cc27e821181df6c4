"""Read from the database when a value is needed, never while a module is being imported."""

import functools

# WRONG: a query that runs when the module is imported - a module-level constant, a form field's
# choices in the class body, a value computed in urls.py or AppConfig.ready():
#   CATEGORY_CHOICES = [(r[0], r[1]) for r in db.execute("SELECT id, name FROM shop_category")]
#   class OrderForm(forms.Form):
#       category = forms.ChoiceField(choices=[(c.id, c.name) for c in Category.objects.all()])
# `manage.py migrate` (and every other command) imports the project before it migrates, so on a
# fresh database the import fails - no such table: shop_category / relation "shop_category"
# does not exist - and migrate never gets to create the table.


def category_choices() -> list[tuple[int, str]]:
    """Run the query at call time (Django: choices=category_choices takes a callable, or use
    ModelChoiceField(queryset=Category.objects.all()), which is evaluated per form)."""
    conn = get_connection()  # the application's connection (Django: the ORM's)
    return conn.execute("SELECT id, name FROM shop_category ORDER BY name").fetchall()


class OrderForm:
    """Stands for a form class: it reads its choices in __init__, for each form, not at import."""

    def __init__(self) -> None:
        self.category_choices = category_choices()


@functools.cache
def site_domain() -> str:
    """A value read once, on first use after start-up, instead of at import (Django: inside a
    view or a function called from it, not in a module-level constant)."""
    row = get_connection().execute("SELECT domain FROM django_site WHERE id = 1").fetchone()
    return row[0]
