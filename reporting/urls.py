from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.ReportingIndexView.as_view(), name="index"),
    path("export/", views.OperatorExportView.as_view(), name="export"),
    path("schooljaar/<int:pk>/anonimiseren/", views.AnonymiseView.as_view(), name="anonymise"),
    path("cijfers/", views.FiguresView.as_view(), name="figures"),
    path("cijfers/<int:province_id>/", views.FiguresView.as_view(), name="figures_province"),
    path("zonder-stageplaats/", views.UnplacedListView.as_view(), name="unplaced"),
    path("vraag-en-aanbod/", views.SupplyDemandView.as_view(), name="supply"),
]
