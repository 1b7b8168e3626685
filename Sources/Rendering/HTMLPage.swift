import Document
import Foundation

/// One self-contained HTML page from the rendered Markdown: cmark's HTML, the figures' SVGs inlined
/// (no other file is needed), a table of contents of the `##`/`###` headings, and a small stylesheet.
public enum HTMLPage {
    /// - Parameters:
    ///   - markdown: the rendered document, without the generated-file line.
    ///   - figures: image link as written in `markdown` (`figures/q3.svg`) → the SVG text.
    ///   - fallback: the page title when the document has no `#` heading.
    ///   - marker: the first line, which marks the file as generated.
    /// - Returns: the whole page, with the figures inline.
    public static func render(
        markdown: String, figures: [String: String], title fallback: String, marker: String
    ) -> String {
        let (withoutTables, tables) = extractTables(markdown)
        var body = MarkdownHTML.render(withoutTables)
        for (index, table) in tables.enumerated() {
            body = body.replacingOccurrences(of: "<p>\(tablePlaceholder)\(index)</p>", with: table)
        }
        body = inlineFigures(body, figures: figures)
        let (withIDs, contents) = headingAnchors(body)
        body = withIDs
        let title = contents.first(where: { $0.level == 1 })?.text ?? fallback
        let toc = contents.filter { $0.level == 2 || $0.level == 3 }
        var nav = ""
        if toc.count > 1 {
            nav =
                "<nav class=\"toc\"><h2>Contents</h2>\n<ul>\n"
                + toc.map { "<li class=\"l\($0.level)\"><a href=\"#\($0.id)\">\($0.text)</a></li>" }.joined(
                    separator: "\n")
                + "\n</ul></nav>\n"
        }
        return """
            \(marker)
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(stripTags(title))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <main>
            \(nav)\(body)</main>
            </body>
            </html>

            """
    }

    static let stylesheet = """

        :root { color-scheme: light dark; }
        body { margin: 0; font: 16px/1.55 -apple-system, "Segoe UI", Helvetica, Arial, "Liberation Sans", sans-serif; color: #1a1a1a; background: #fff; }
        main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
        h1, h2, h3 { line-height: 1.25; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
        figure.chart { margin: 1.5rem 0; } figure.chart svg { max-width: 100%; height: auto; display: block; }
        table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid #ddd; padding: .3em .7em; text-align: left; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; }
        pre { background: #f5f5f5; padding: .8em; overflow-x: auto; }
        nav.toc { border: 1px solid #ddd; padding: .5rem 1rem; margin: 1rem 0 2rem; }
        nav.toc h2 { border: 0; font-size: 1rem; margin: .3rem 0; } nav.toc ul { margin: 0; padding-left: 1.2rem; }
        nav.toc li.l3 { margin-left: 1.2rem; list-style: circle; }
        @media (prefers-color-scheme: dark) { body { color: #e6edf3; background: #0d1117; } pre { background: #161b22; }
          th, td, h2, nav.toc { border-color: #30363d; } a { color: #58a6ff; } }

        """

    static let tablePlaceholder = "REPORTHTMLTABLE"

    /// cmark knows no tables: the pipe tables report writes become HTML here (each cell's inline
    /// Markdown through cmark), and a placeholder paragraph in the Markdown. Tables inside fenced code
    /// blocks are left alone.
    static func extractTables(_ markdown: String) -> (String, [String]) {
        let lines = markdown.components(separatedBy: "\n")
        var output: [String] = []
        var tables: [String] = []
        var fence: String?
        var i = 0
        func isDelimiter(_ line: String) -> Bool {
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("|") && t.count > 2 && t.allSatisfy { "|:- ".contains($0) } && t.contains("-")
        }
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                output.append(line)
                i += 1
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = String(trimmed.prefix(3))
                output.append(line)
                i += 1
                continue
            }
            guard trimmed.hasPrefix("|"), i + 1 < lines.count, isDelimiter(lines[i + 1]) else {
                output.append(line)
                i += 1
                continue
            }
            let alignments = cells(lines[i + 1]).map { cell -> String in
                let c = cell.trimmingCharacters(in: .whitespaces)
                return c.hasPrefix(":") && c.hasSuffix(":") ? "center" : c.hasSuffix(":") ? "right" : "left"
            }
            func row(_ line: String, tag: String) -> String {
                let items = cells(line)
                return "<tr>"
                    + items.enumerated().map { index, cell in
                        let align = index < alignments.count ? alignments[index] : "left"
                        return "<\(tag) style=\"text-align:\(align)\">\(inline(cell))</\(tag)>"
                    }.joined() + "</tr>"
            }
            var html = "<table>\n<thead>" + row(line, tag: "th") + "</thead>\n<tbody>\n"
            i += 2
            while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                html += row(lines[i], tag: "td") + "\n"
                i += 1
            }
            html += "</tbody>\n</table>"
            output.append("")
            output.append("\(tablePlaceholder)\(tables.count)")
            output.append("")
            tables.append(html)
        }
        return (output.joined(separator: "\n"), tables)
    }

    /// The cells of `| a | b \| c |`: split at unescaped bars.
    static func cells(_ line: String) -> [String] {
        var t = Substring(line.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("|") { t = t.dropFirst() }
        if t.hasSuffix("|") && !t.hasSuffix("\\|") { t = t.dropLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for c in t {
            if escaped {
                current.append(c == "|" ? "|" : "\\\(c)")
                escaped = false
                continue
            }
            if c == "\\" {
                escaped = true
                continue
            }
            if c == "|" {
                cells.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            }
            current.append(c)
        }
        if escaped { current.append("\\") }
        cells.append(current.trimmingCharacters(in: .whitespaces))
        return cells
    }

    /// One cell's inline Markdown as HTML, without the paragraph cmark wraps it in.
    public static func inline(_ markdown: String) -> String {
        var html = MarkdownHTML.render(markdown).trimmingCharacters(in: .whitespacesAndNewlines)
        if html.hasPrefix("<p>") && html.hasSuffix("</p>") { html = String(html.dropFirst(3).dropLast(4)) }
        return html
    }

    /// `<img src="figures/x.svg" alt="…" />` → `<figure class="chart">` holding the SVG itself, for the
    /// figures this build drew; any other image is left as cmark wrote it.
    static func inlineFigures(_ html: String, figures: [String: String]) -> String {
        var result = ""
        var rest = Substring(html)
        while let start = rest.range(of: "<img src=\"") {
            result += rest[..<start.lowerBound]
            let afterSource = rest[start.upperBound...]
            guard let quote = afterSource.firstIndex(of: "\""), let end = afterSource.range(of: "/>") else {
                rest = rest[start.lowerBound...]
                break
            }
            let source = String(afterSource[..<quote])
            if let svg = figures[unescape(source)] {
                result += "<figure class=\"chart\">" + stripProlog(svg) + "</figure>"
            } else {
                result += rest[start.lowerBound..<end.upperBound]
            }
            rest = afterSource[end.upperBound...]
        }
        return result + rest
    }

    struct Heading {
        var level: Int
        var text: String
        var id: String
    }

    /// Gives every `<hN>` an id (a slug of its text, unique) and lists them.
    static func headingAnchors(_ html: String) -> (String, [Heading]) {
        var result = ""
        var headings: [Heading] = []
        var used = Set<String>()
        var rest = Substring(html)
        while let open = rest.range(of: "<h") {
            let after = rest[open.upperBound...]
            guard let digit = after.first, let level = Int(String(digit)), (1...6).contains(level),
                after.dropFirst().first == ">",
                let close = after.dropFirst(2).range(of: "</h\(level)>")
            else {
                result += rest[..<open.upperBound]
                rest = after
                continue
            }
            let inner = String(after.dropFirst(2)[..<close.lowerBound])
            var slug = stripTags(inner).lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }
                .joined()
            slug = slug.split(separator: "-").joined(separator: "-")
            if slug.isEmpty { slug = "section" }
            var id = slug
            var n = 2
            while used.contains(id) {
                id = "\(slug)-\(n)"
                n += 1
            }
            used.insert(id)
            headings.append(Heading(level: level, text: inner, id: id))
            result += rest[..<open.lowerBound] + "<h\(level) id=\"\(id)\">" + inner + "</h\(level)>"
            rest = after[close.upperBound...]
        }
        return (result + rest, headings)
    }

    static func stripTags(_ html: String) -> String {
        var text = ""
        var inTag = false
        for c in html {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { text.append(c) }
        }
        return text
    }

    static func stripProlog(_ svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") else { return svg }
        return String(svg[end.upperBound...])
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "%20", with: " ")
    }
}
