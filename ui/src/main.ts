import "@fontsource-variable/inter/wght.css";
import "./styles/app.css";
import { mount } from "svelte";
import App from "./App.svelte";
import { applyTheme, loadTheme } from "./lib/theme";
import { startupMark } from "./lib/api";

startupMark("script");

applyTheme(loadTheme());

const target = document.getElementById("app");
if (target) mount(App, { target });
