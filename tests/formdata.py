"""Read a rendered HTML form back into POST data, as a browser would submit it unchanged."""

from bs4 import BeautifulSoup


def form_values(html: str, *, selector: str = "main form[method=post]") -> dict[str, list[str]]:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    assert form is not None, f"no form matches {selector!r}"
    data: dict[str, list[str]] = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        if field.has_attr("disabled"):
            continue
        name = field["name"]
        if field.name == "textarea":
            # Browsers drop the newline that follows <textarea>; html.parser keeps it.
            text = field.text
            data.setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
        elif field.name == "select":
            chosen = field.select("option[selected]")
            if not chosen and not field.has_attr("multiple"):
                chosen = field.select("option")[:1]
            data.setdefault(name, []).extend(option.get("value", option.text) for option in chosen)
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") in ("file", "submit", "button", "image"):
            continue
        else:
            data.setdefault(name, []).append(field.get("value", ""))
    return data
