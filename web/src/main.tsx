import { render } from "solid-js/web";
import { App } from "./app/App";
import { session } from "./auth/session";
import { applyTheme } from "./state/prefs";
import "./ui/theme.css";
import "./ui/app.css";
import "./messages/messages.css";

applyTheme();
session.start();
render(() => <App />, document.getElementById("root")!);
