// Start the NHS.UK frontend components (header menu, error summary focus, skip link, tables).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')

// A table box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1), but a box that does not
// scroll should not add a Tab stop. Name the region after the table's caption.
const scrollers = document.querySelectorAll('.app-table-scroll')
function markScrollable (box) {
  if (box.scrollWidth > box.clientWidth) {
    const caption = box.querySelector('caption')
    box.setAttribute('tabindex', '0')
    box.setAttribute('role', 'region')
    if (caption) {
      if (!caption.id) caption.id = `app-caption-${Math.random().toString(36).slice(2)}`
      box.setAttribute('aria-labelledby', caption.id)
    } else {
      box.setAttribute('aria-label', 'Table')
    }
  } else if (box.getAttribute('role') === 'region') {
    for (const name of ['tabindex', 'role', 'aria-labelledby', 'aria-label']) box.removeAttribute(name)
  }
}
if (scrollers.length && 'ResizeObserver' in window) {
  const observer = new ResizeObserver((entries) => entries.forEach((entry) => markScrollable(entry.target)))
  scrollers.forEach((box) => observer.observe(box))
}

initAll()

// The weekly supervision form's case picker: a filter box over the references, and "all overdue" ticks
// (or clears) the overdue cases in the list as well, so what is seen is what is sent.
for (const list of document.querySelectorAll('.app-case-list')) {
  const filter = list.parentElement.querySelector('.app-case-filter')
  if (filter) {
    filter.hidden = false
    filter.querySelector('input').addEventListener('input', (event) => {
      const wanted = event.target.value.trim().toLowerCase()
      for (const item of list.querySelectorAll('[data-reference]')) {
        item.hidden = wanted !== '' && !item.dataset.reference.includes(wanted)
      }
    })
  }
  const all = list.closest('fieldset').querySelector('[data-app-all-overdue]')
  if (all) {
    const overdue = list.querySelectorAll('[data-app-overdue]')
    all.addEventListener('change', () => {
      for (const box of overdue) box.checked = all.checked
    })
    for (const box of overdue) {
      box.addEventListener('change', () => { if (!box.checked) all.checked = false })
    }
  }
}
