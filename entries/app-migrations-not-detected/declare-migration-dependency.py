"""shop/migrations/0001_initial.py: a migration that uses another app's table names that app's
migration in `dependencies`, so migrate creates the table before this migration runs."""

from django.db import migrations


class Migration(migrations.Migration):
    # WRONG: dependencies = [] - migrations of apps that do not depend on each other run in
    # app-label order, so "shop" runs before "sites" has created django_site and migrate fails:
    # no such table: django_site (PostgreSQL: relation "django_site" does not exist).
    dependencies = [
        ("sites", "0002_alter_domain_unique"),  # the latest migration of django.contrib.sites
        # and for a ForeignKey to the user model:
        # migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "INSERT INTO django_site (id, domain, name) VALUES (1, 'shop.example', 'Shop')",
            reverse_sql="DELETE FROM django_site WHERE id = 1",
        ),
        migrations.RunSQL(
            "CREATE TABLE shop_sitebanner (id INTEGER PRIMARY KEY, "
            "site_id INTEGER NOT NULL REFERENCES django_site (id), text TEXT NOT NULL)",
            reverse_sql="DROP TABLE shop_sitebanner",
        ),
    ]
