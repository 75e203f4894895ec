/// Sign in: with the token of the printed URL, or as a user with a password when the dashboard
/// has a users file.
public enum LoginPage {
    public static func render(error: String? = nil, next: String? = nil, users: Bool = false, name: String = "") -> HTML {
        let message: HTML = error.map { "<p class=\"banner error\" role=\"alert\">\($0)</p>" } ?? .empty
        let nextField: HTML = next.map { "<input type=\"hidden\" name=\"next\" value=\"\($0)\">" } ?? .empty
        let userFields: HTML = users ? """
            <fieldset><legend>User</legend>
            <label>Name <input name="user" autocomplete="username" value="\(name)"></label>
            <label>Password <input name="password" type="password" autocomplete="current-password"></label>
            </fieldset>
            <p class="muted">or</p>
            """ : .empty
        return Layout.page("Sign in", section: nil, context: nil, body: """
            \(message)
            <form method="post" action="/login" class="login">
            \(nextField)
            \(userFields)
            <fieldset><legend>Token</legend>
            <label>Token <input name="token" type="password" autocomplete="off"></label>
            <p class="muted">The token is in the URL v6-dashboard printed when it started (dashboard: http://…/?token=…), and in its token file.</p>
            </fieldset>
            <button class="primary">Sign in</button>
            </form>
            """)
    }
}
