"""StreamField blocks for the public pages. Each block renders its own template under
templates/cms/blocks/, so pages stay presentation-free."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("tekst"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("niveau"),
        choices=[("h2", _("Kop 2")), ("h3", _("Kop 3"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Tussentitel")
        template = "cms/blocks/heading.html"


class FigureBlock(blocks.StructBlock):
    image = ImageBlock(label=_("afbeelding"))
    caption = blocks.CharBlock(label=_("onderschrift"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Afbeelding")
        template = "cms/blocks/figure.html"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("soort"),
        choices=[("info", _("Ter info")), ("warning", _("Opgelet"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("titel"), required=False, max_length=120)
    text = blocks.RichTextBlock(label=_("tekst"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Kader (info of opgelet)")
        template = "cms/blocks/callout.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("stap"), max_length=160)
    text = blocks.RichTextBlock(label=_("uitleg"), required=False, features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "list-ol"
        label = _("Stap")


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titel"), required=False, max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("stappen"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Genummerde stappen")
        template = "cms/blocks/steps.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    label = blocks.CharBlock(
        label=_("linktekst"),
        required=False,
        max_length=120,
        help_text=_("Laat leeg om de titel van het document te tonen."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document_link.html"


class ContentStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Tekst"),
        icon="pilcrow",
        features=["h3", *RICH_TEXT_FEATURES],
        template="cms/blocks/paragraph.html",
    )
    image = FigureBlock()
    callout = CalloutBlock()
    steps = StepsBlock()
    document = DocumentLinkBlock()


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("vraag"), max_length=250)
    answer = blocks.RichTextBlock(label=_("antwoord"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Vraag en antwoord")
        template = "cms/blocks/question.html"


class FaqStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    question = QuestionBlock()
