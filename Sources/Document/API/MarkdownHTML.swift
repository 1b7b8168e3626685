/// Markdown → HTML with cmark's own renderer (CommonMark, safe mode: raw HTML is dropped).
public enum MarkdownHTML {
    public static func render(_ markdown: String) -> String {
        CommonMarkReader.html(markdown)
    }
}
