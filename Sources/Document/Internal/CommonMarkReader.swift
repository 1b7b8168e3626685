import CCmark
import Foundation

/// The one place that talks to libcmark: parses Markdown and returns its leaf blocks as Swift values.
enum CommonMarkReader {
    /// cmark's node types, as far as this target cares about them.
    private enum NodeType {
        case document, blockQuote, list, item, codeBlock, htmlBlock, paragraph, heading, thematicBreak
        case inline, other

        init(_ type: cmark_node_type) {
            switch type {
            case CMARK_NODE_DOCUMENT: self = .document
            case CMARK_NODE_BLOCK_QUOTE: self = .blockQuote
            case CMARK_NODE_LIST: self = .list
            case CMARK_NODE_ITEM: self = .item
            case CMARK_NODE_CODE_BLOCK: self = .codeBlock
            case CMARK_NODE_HTML_BLOCK: self = .htmlBlock
            case CMARK_NODE_PARAGRAPH: self = .paragraph
            case CMARK_NODE_HEADING: self = .heading
            case CMARK_NODE_THEMATIC_BREAK: self = .thematicBreak
            default:
                let raw = type.rawValue
                if raw >= CMARK_NODE_FIRST_INLINE.rawValue && raw <= CMARK_NODE_LAST_INLINE.rawValue {
                    self = .inline
                } else {
                    self = .other
                }
            }
        }
    }

    /// The leaf blocks of `bytes` in document order, parsed with source positions on.
    static func leafBlocks(of bytes: [UInt8]) -> [MarkdownBlock] {
        let document: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                    cmark_parse_document(characters, buffer.count, CMARK_OPT_SOURCEPOS)
                }
            } ?? cmark_parse_document("", 0, CMARK_OPT_SOURCEPOS)
        }
        guard let document else { return [] }
        defer { cmark_node_free(document) }
        var blocks: [MarkdownBlock] = []
        collect(children: document, container: nil, into: &blocks)
        return blocks
    }

    /// Walks the block children of `parent`, depth first, appending leaf blocks. Iterative, with an
    /// explicit stack of the siblings still to visit: a document nested thousands of block quotes or
    /// list items deep costs heap, never the call stack.
    private static func collect(
        children parent: OpaquePointer, container: MarkdownBlock.Container?,
        into blocks: inout [MarkdownBlock]
    ) {
        // Each entry: the next sibling to visit at one level, and that level's container.
        var stack: [(node: OpaquePointer?, container: MarkdownBlock.Container?)] = [
            (cmark_node_first_child(parent), container)
        ]
        while let top = stack.last {
            guard let node = top.node else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].node = cmark_node_next(node)
            let container = top.container
            let kind: MarkdownBlock.Kind
            switch NodeType(cmark_node_get_type(node)) {
            case .blockQuote:
                stack.append((cmark_node_first_child(node), .blockQuote))
                continue
            case .item:
                stack.append((cmark_node_first_child(node), .listItem))
                continue
            case .list, .document:
                stack.append((cmark_node_first_child(node), container))
                continue
            case .inline, .other:
                continue
            case .paragraph: kind = .paragraph
            case .heading: kind = .heading
            case .htmlBlock: kind = .htmlBlock
            case .thematicBreak: kind = .thematicBreak
            case .codeBlock:
                let info = cmark_node_get_fence_info(node).map { String(cString: $0) } ?? ""
                kind = .codeBlock(info: info)
            }
            blocks.append(
                MarkdownBlock(
                    kind: kind,
                    startLine: Int(cmark_node_get_start_line(node)),
                    startByteColumn: Int(cmark_node_get_start_column(node)),
                    endLine: Int(cmark_node_get_end_line(node)),
                    endByteColumn: Int(cmark_node_get_end_column(node)),
                    container: container))
        }
    }

    /// cmark's own HTML for `markdown`, in safe mode: raw HTML and `javascript:` links are left out.
    static func html(_ markdown: String) -> String {
        var bytes = Array(markdown.utf8)
        bytes.append(0)
        let count = bytes.count - 1
        let rendered: UnsafeMutablePointer<CChar>? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                    cmark_markdown_to_html(characters, count, CMARK_OPT_DEFAULT | CMARK_OPT_SMART)
                }
            }
        }
        guard let rendered else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}
