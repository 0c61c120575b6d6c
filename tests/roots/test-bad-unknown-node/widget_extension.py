"""A node that an extension renders for the HTML builder only, as a third-party extension might."""

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class widget(nodes.General, nodes.Element):
    pass


class WidgetDirective(SphinxDirective):
    def run(self):
        node = widget()
        self.set_source_info(node)
        return [node]


def _visit(self, node):
    self.body.append("<div class='widget'></div>")


def _depart(self, node):
    pass


def setup(app):
    app.add_node(widget, html=(_visit, _depart))
    app.add_directive("widget", WidgetDirective)
    return {"parallel_read_safe": True}
