import django
import django.db.models.deletion
from django.db import migrations, models

# CheckConstraint(check=...) became condition= in Django 5.1; 6.0 removed check=.
CHECK = "condition" if django.VERSION >= (5, 1) else "check"


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Author',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name='Invoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('customer_ref', models.BigIntegerField()),
                ('total', models.DecimalField(decimal_places=2, max_digits=10)),
            ],
        ),
        migrations.CreateModel(
            name='Publisher',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name='Series',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name='Book',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('price', models.FloatField()),
                ('weight_kg', models.FloatField(default=0)),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('out', 'Out')], max_length=10)),
                ('format', models.CharField(choices=[('hc', 'Hardcover'), ('pb', 'Paperback')], default='pb', max_length=2)),
                ('subtitle', models.CharField(max_length=200, null=True)),
                ('isbn', models.CharField(max_length=13, null=True, unique=True)),
                ('metadata', models.JSONField(default={})),
                ('keywords', models.JSONField(default=list)),
                ('stars', models.PositiveSmallIntegerField(default=0)),
                ('published', models.DateField(null=True)),
                ('author', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='books', to='shop.author')),
                ('series', models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to='shop.series')),
            ],
        ),
        migrations.CreateModel(
            name='Profile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('bio', models.TextField(blank=True)),
                ('author', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to='shop.author')),
            ],
        ),
        migrations.AddField(
            model_name='author',
            name='agent',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='shop.publisher'),
        ),
        migrations.AddField(
            model_name='author',
            name='publisher',
            field=models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='authors', to='shop.publisher'),
        ),
        migrations.CreateModel(
            name='Loan',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('book', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='shop.book')),
                ('reader', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='shop.author')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('book', 'reader'), name='loan_once')],
            },
        ),
        migrations.CreateModel(
            name='Review',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stars', models.PositiveSmallIntegerField()),
                ('book', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='shop.book')),
                ('reader', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reviews', to='shop.author')),
            ],
            options={
                'unique_together': {('book', 'reader')},
            },
        ),
        migrations.AddIndex(
            model_name='book',
            index=models.Index(fields=['series', 'published'], name='book_series_published_idx'),
        ),
        migrations.AddIndex(
            model_name='book',
            index=models.Index(fields=['stars'], name='book_stars_idx'),
        ),
        migrations.AddConstraint(
            model_name='book',
            constraint=models.CheckConstraint(**{CHECK: models.Q(('format__in', ['hc', 'pb']))}, name='book_format_valid'),
        ),
    ]
