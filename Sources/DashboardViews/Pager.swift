/// One page of a long list, and the links to the others.
public struct Pager: Sendable, Equatable {
    public let page: Int
    public let pageSize: Int
    public let total: Int

    /// `page` is clamped to the pages there are (1 when the list is empty).
    public init(page: Int, pageSize: Int, total: Int) {
        self.pageSize = max(1, pageSize)
        self.total = max(0, total)
        let last = max(1, (self.total + self.pageSize - 1) / self.pageSize)
        self.page = min(max(1, page), last)
    }

    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }
    public var range: Range<Int> { min(total, (page - 1) * pageSize)..<min(total, page * pageSize) }

    /// "1–100 of 10000" with previous/next links built by `link(page)`.
    public func nav(_ link: (Int) -> String) -> HTML {
        guard total > 0 else { return .empty }
        let shown = "\(range.lowerBound + 1)–\(range.upperBound) of \(total)"
        let previous: HTML = page > 1 ? "<a rel=\"prev\" href=\"\(link(page - 1))\">‹ previous</a>" : .empty
        let next: HTML = page < pageCount ? "<a rel=\"next\" href=\"\(link(page + 1))\">next ›</a>" : .empty
        return "<p class=\"pager\">\(previous) <span>\(shown)</span> \(next)</p>"
    }
}
