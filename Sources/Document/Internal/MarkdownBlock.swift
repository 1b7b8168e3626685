/// A leaf block of a CommonMark document, as plain Swift values.
///
/// Positions are cmark's: 1-based lines, and 1-based columns counted in bytes.
struct MarkdownBlock {
    /// What kind of leaf block this is.
    enum Kind: Equatable {
        /// A paragraph: inline content, scanned for `{{ }}` expressions.
        case paragraph
        /// An ATX or setext heading: inline content, scanned for `{{ }}` expressions.
        case heading
        /// A fenced or indented code block with its (unescaped) info string; never scanned.
        case codeBlock(info: String)
        /// A raw HTML block; never scanned.
        case htmlBlock
        /// A thematic break (`---`).
        case thematicBreak
    }

    /// The container a block sits in, when it is not at the top level of the document.
    enum Container: String {
        case blockQuote = "block quote"
        case listItem = "list item"
    }

    let kind: Kind
    let startLine: Int
    let startByteColumn: Int
    let endLine: Int
    let endByteColumn: Int
    /// The innermost container holding the block, or nil for a block at the top level.
    let container: Container?
}
