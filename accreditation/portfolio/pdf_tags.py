"""Finishing touches to WeasyPrint's tagged PDF so that it meets PDF/UA-1 for tables and page furniture.

WeasyPrint (70) tags tables and links each data cell to its header cells, but:
- its header cells (TH) carry no /Scope, so a screen reader cannot tell a row header from a column header;
- the running header and footer (the page's margin boxes: trainee, section, verification code, page
  number) are marked as tagged content that belongs to no structure element, where PDF/UA wants them
  marked as artifacts (pagination) that assistive technology skips.

`finish` runs as WeasyPrint's finisher: after the structure tree is built, before the file is written.
"""

import pydyf


def _object(pdf: pydyf.PDF, reference):
    """The object a reference such as b'12 0 R' points at (pydyf keeps objects by number)."""
    if isinstance(reference, bytes | str):
        text = reference.decode() if isinstance(reference, bytes) else reference
        return pdf.objects[int(text.split()[0])]
    return reference


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def scope_header_cells(document) -> None:
    """Give every TH structure element the scope its HTML cell declares (column unless scope="row")."""
    for page in document.pages:
        for box in _walk(page._page_box):
            if getattr(box, "element_tag", None) == "th" and hasattr(box, "mark"):
                scope = "/Row" if box.element.attrib.get("scope") == "row" else "/Column"
                box.mark.setdefault("A", pydyf.Dictionary({"O": "/Table"}))["Scope"] = scope


def _reachable_elements(pdf: pydyf.PDF) -> set[int]:
    """Numbers of the structure elements that hang from the structure tree root."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    seen: set[int] = set()
    stack = list(root["K"])
    while stack:
        reference = stack.pop()
        if not isinstance(reference, bytes | str):
            continue  # a marked-content id, not an element
        element = _object(pdf, reference)
        if element.number in seen or not isinstance(element, pydyf.Dictionary):
            continue
        seen.add(element.number)
        kids = element.get("K", ())
        stack.extend(kids if isinstance(kids, pydyf.Array | list) else [kids])
    return seen


def mark_page_furniture_as_artifacts(pdf: pydyf.PDF) -> None:
    """Marked content whose structure element is not in the tree is the margin boxes' running text:
    re-mark it as a pagination artifact and drop it from the parent tree."""
    reachable = _reachable_elements(pdf)
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    nums = _object(pdf, root["ParentTree"])["Nums"]
    page_refs = pdf.page_references  # set by WeasyPrint, one reference per page
    for index in range(0, len(nums), 2):
        key, mapping = nums[index], nums[index + 1]
        if not isinstance(mapping, pydyf.Array) or key >= len(page_refs):
            continue  # an annotation's entry, not a page's
        furniture = {
            mcid for mcid, reference in enumerate(mapping) if _object(pdf, reference).number not in reachable
        }
        if not furniture:
            continue
        stream = _object(pdf, _object(pdf, page_refs[key])["Contents"])
        operations = stream.stream
        for position, operation in enumerate(operations):
            if (
                isinstance(operation, pydyf.Dictionary)
                and operation.get("MCID") in furniture
                and position + 1 < len(operations)
                and operations[position + 1] == b"BDC"
            ):
                operations[position - 1] = "/Artifact"
                operations[position] = pydyf.Dictionary({"Type": "/Pagination"})
        for mcid in furniture:
            mapping[mcid] = "null"


def finish(document, pdf: pydyf.PDF) -> None:
    if "StructTreeRoot" not in pdf.catalog:
        return  # an untagged PDF has nothing to finish
    scope_header_cells(document)
    mark_page_furniture_as_artifacts(pdf)
