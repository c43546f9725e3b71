//! `sasl.jaas.config`: `LoginModuleClass flag key=value ... ;`, tokenised as Kafka's `JaasConfig`
//! does with `java.io.StreamTokenizer` (quoted strings with Java escapes, `//` and `/* */`
//! comments). Problems are described without ever quoting the text: it holds the password.

/// The control flag Kafka accepts (it has no effect on a single client login module).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ControlFlag {
    Required,
    Requisite,
    Sufficient,
    Optional,
}

/// The one login module of a client's `sasl.jaas.config`.
pub(crate) struct LoginModule {
    pub class: String,
    #[cfg_attr(not(test), allow(dead_code))]
    pub flag: ControlFlag,
    pub options: Vec<(String, String)>,
}

impl LoginModule {
    pub fn option(&self, name: &str) -> Option<&str> {
        // Kafka keeps options in a map: the last one wins.
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

// Deliberately no Debug derive that could print option values.
impl std::fmt::Debug for LoginModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.options.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("LoginModule")
            .field("class", &self.class)
            .field("flag", &self.flag)
            .field("options", &names)
            .finish()
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Char(char),
}

struct Tokenizer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
}

impl Tokenizer<'_> {
    fn is_word_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '$' | '.') || c as u32 >= 0xA0
    }

    fn next_token(&mut self) -> Result<Option<Token>, String> {
        loop {
            let Some(c) = self.chars.next() else {
                return Ok(None);
            };
            match c {
                c if c <= ' ' => continue,
                '/' => match self.chars.peek() {
                    Some('*') => {
                        self.chars.next();
                        let mut previous = '\0';
                        loop {
                            match self.chars.next() {
                                Some('/') if previous == '*' => break,
                                Some(c) => previous = c,
                                None => return Err("unterminated /* comment".into()),
                            }
                        }
                    }
                    // `//` and, as in StreamTokenizer, a lone `/` comment out the line.
                    _ => {
                        for c in self.chars.by_ref() {
                            if c == '\n' || c == '\r' {
                                break;
                            }
                        }
                    }
                },
                '"' | '\'' => return self.quoted(c).map(|s| Some(Token::Quoted(s))),
                c if Self::is_word_char(c) => {
                    let mut word = String::from(c);
                    while let Some(&c) = self.chars.peek() {
                        if !Self::is_word_char(c) {
                            break;
                        }
                        word.push(c);
                        self.chars.next();
                    }
                    return Ok(Some(Token::Word(word)));
                }
                other => return Ok(Some(Token::Char(other))),
            }
        }
    }

    /// StreamTokenizer's quoted string: Java escapes, octal `\ooo`, ends at the quote.
    fn quoted(&mut self, quote: char) -> Result<String, String> {
        let mut out = String::new();
        loop {
            let Some(c) = self.chars.next() else {
                return Err("a quoted value is not closed".into());
            };
            if c == quote {
                return Ok(out);
            }
            if c == '\n' || c == '\r' {
                return Err("a quoted value runs past the end of its line".into());
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.chars.next() else {
                return Err("a quoted value is not closed".into());
            };
            match e {
                'a' => out.push('\x07'),
                'b' => out.push('\x08'),
                'f' => out.push('\x0c'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'v' => out.push('\x0b'),
                '0'..='7' => {
                    // Up to three octal digits, the first of which at most 3 when three.
                    let mut value = e.to_digit(8).unwrap_or(0);
                    let max_digits = if e <= '3' { 3 } else { 2 };
                    for _ in 1..max_digits {
                        match self.chars.peek().and_then(|c| c.to_digit(8)) {
                            Some(d) => {
                                value = value * 8 + d;
                                self.chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            }
        }
    }
}

/// Names an option in an error only when it is one Kafka's login modules define: an unquoted
/// password that a stray blank split would otherwise be read as a name and quoted back.
fn describe(name: &str) -> String {
    const KNOWN: [&str; 4] = ["username", "password", "tokenauth", "serviceName"];
    if KNOWN.contains(&name) {
        format!("option {name}")
    } else {
        "an option".to_owned()
    }
}

/// Parses a client `sasl.jaas.config`: exactly one login module, as Kafka requires.
pub(crate) fn parse(text: &str) -> Result<LoginModule, String> {
    let mut tokens = Tokenizer {
        chars: text.chars().peekable(),
    };
    let mut modules = Vec::new();
    while let Some(token) = tokens.next_token()? {
        let Token::Word(class) = token else {
            return Err("expected a login module class name".into());
        };
        let flag = match tokens.next_token()? {
            Some(Token::Word(flag)) => match flag.to_ascii_lowercase().as_str() {
                "required" => ControlFlag::Required,
                "requisite" => ControlFlag::Requisite,
                "sufficient" => ControlFlag::Sufficient,
                "optional" => ControlFlag::Optional,
                _ => {
                    return Err(
                        "invalid login module control flag (expected required, requisite, \
                         sufficient or optional)"
                            .into(),
                    )
                }
            },
            _ => return Err("login module control flag not specified".into()),
        };
        let mut options = Vec::new();
        loop {
            let name = match tokens.next_token()? {
                Some(Token::Char(';')) => break,
                Some(Token::Word(name)) => name,
                Some(_) => return Err("expected an option name or ';'".into()),
                None => return Err("expected ';' at the end of the login module".into()),
            };
            if tokens.next_token()? != Some(Token::Char('=')) {
                return Err(format!("expected '=' after {}", describe(&name)));
            }
            let value = match tokens.next_token()? {
                Some(Token::Word(v) | Token::Quoted(v)) => v,
                _ => return Err(format!("value not specified for {}", describe(&name))),
            };
            options.push((name, value));
        }
        modules.push(LoginModule {
            class,
            flag,
            options,
        });
    }
    match modules.len() {
        1 => Ok(modules.pop().expect("one module")),
        0 => Err("contains no login module".into()),
        n => Err(format!(
            "contains {n} login modules; a client needs exactly 1"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scram_module_with_quoted_values() {
        let m = parse(
            r#"org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="a-secret";"#,
        )
        .unwrap();
        assert_eq!(
            m.class,
            "org.apache.kafka.common.security.scram.ScramLoginModule"
        );
        assert_eq!(m.flag, ControlFlag::Required);
        assert_eq!(m.option("username"), Some("alice"));
        assert_eq!(m.option("password"), Some("a-secret"));
        assert_eq!(m.option("nope"), None);
    }

    #[test]
    fn escapes_unquoted_values_flags_and_comments() {
        let m = parse(
            "org.apache.kafka.common.security.plain.PlainLoginModule   OPTIONAL\n\
             /* a comment */ username=bob_2.x // rest of line\n\
             password='single' password=\"q\\\"uo\\\\te;d=\\n\\101\" tokenauth=true ;  ",
        )
        .unwrap();
        assert_eq!(m.flag, ControlFlag::Optional);
        assert_eq!(m.option("username"), Some("bob_2.x"));
        // The last password wins; escapes are Java's.
        assert_eq!(m.option("password"), Some("q\"uo\\te;d=\nA"));
        assert_eq!(m.option("tokenauth"), Some("true"));
        for flag in ["requisite", "Sufficient"] {
            assert!(parse(&format!("a.B {flag} u=\"x\";")).is_ok(), "{flag}");
        }
    }

    #[test]
    fn malformed_configs() {
        let cases = [
            ("", "no login module"),
            ("a.B", "control flag not specified"),
            ("a.B mandatory;", "invalid login module control flag"),
            ("a.B required username=\"x\"", "expected ';'"),
            (
                "a.B required username \"x\";",
                "expected '=' after option username",
            ),
            (
                "a.B required username=;",
                "value not specified for option username",
            ),
            ("a.B required password=\"unterminated;", "not closed"),
            ("a.B required; c.D required;", "2 login modules"),
            ("a.B required /* open", "unterminated /* comment"),
        ];
        for (text, expected) in cases {
            let err = parse(text).map(|_| ()).unwrap_err();
            assert!(err.contains(expected), "{text:?} gave {err:?}");
        }
    }

    #[test]
    fn debug_never_shows_option_values() {
        let m = parse(r#"a.B required username="alice" password="hunter2";"#).unwrap();
        let shown = format!("{m:?}");
        assert!(
            shown.contains("password") && !shown.contains("hunter2"),
            "{shown}"
        );
        // Errors name options but never their values.
        for text in [
            r#"a.B required password="hunter2" x"#,
            r#"a.B required password=hunter2 2;"#,
            r#"a.B required password=hunter 2x;"#,
            r#"a.B required username="u" "hunter2";"#,
        ] {
            let err = parse(text).map(|_| ()).unwrap_err();
            assert!(!err.contains("hunter"), "{err}");
        }
    }
}
