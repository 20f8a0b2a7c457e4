"""Provinces, transport modes, services and schools, and the membership tables (guardian
object permissions in direct foreign-key tables) that say who works for which."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .. import postcodes
from ..validators import validate_phone


class Province(models.Model):
    """A province (or the Brussels region); regional coordinators hold permissions on it."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("naam"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provincie")
        verbose_name_plural = _("provincies")
        permissions = [("coordinate_province", _("Kan de provincie opvolgen (regionale trekker)"))]

    def __str__(self):
        return self.name

    @classmethod
    def for_postcode(cls, postcode) -> "Province":
        code = postcodes.province_code_for(postcode)
        province, _created = cls.objects.get_or_create(
            code=code, defaults={"name": postcodes.PROVINCE_NAMES[code]}
        )
        return province


class TransportMode(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("naam"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("vervoersmiddel")
        verbose_name_plural = _("vervoersmiddelen")

    def __str__(self):
        return self.name


class LocationPrecision(models.TextChoices):
    POSTCODE = postcodes.EXACT, _("postcode")
    MUNICIPALITY = postcodes.BY_MUNICIPALITY, _("gemeente (bij benadering)")
    REGION = postcodes.BY_REGION, _("postcodegebied (bij benadering)")


class Located(models.Model):
    """A point derived from the postcode (and municipality), for distances (matching.geo).
    Set by `locate()`, which the model's clean calls whenever the postcode is validated."""

    latitude = models.FloatField(_("breedtegraad"), null=True, blank=True, editable=False)
    longitude = models.FloatField(_("lengtegraad"), null=True, blank=True, editable=False)
    location_precision = models.CharField(
        _("nauwkeurigheid locatie"),
        max_length=12,
        choices=LocationPrecision.choices,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True

    def locate(self) -> None:
        location = postcodes.location_for(self.postcode, self.municipality)
        if location is None:
            self.latitude = self.longitude = None
            self.location_precision = ""
        else:
            self.latitude, self.longitude = location.latitude, location.longitude
            self.location_precision = location.precision


class Service(Located):
    """A home-care service (dienst gezinszorg). Membership: guardian `act_for_service`."""

    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="services", verbose_name=_("provincie")
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("dienst")
        verbose_name_plural = _("diensten")
        permissions = [("act_for_service", _("Werkt voor deze dienst"))]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.locate()


class ServiceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ServiceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Service, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class School(models.Model):
    class Kind(models.TextChoices):
        SECONDARY = "secondary", _("Secundaire school")
        CVO = "cvo", _("Centrum voor volwassenenonderwijs")

    name = models.CharField(_("naam"), max_length=200)
    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="schools", verbose_name=_("provincie")
    )
    postcode = models.CharField(_("postcode"), max_length=4)
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True, validators=[validate_phone])

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("scholen")
        permissions = [("act_for_school", _("Werkt voor deze school"))]

    def __str__(self):
        return self.name


class SchoolUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class SchoolGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ProvinceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Province, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class ProvinceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Province, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
