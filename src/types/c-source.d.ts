// C sources of the model's eras are bundled as text (esbuild's text loader; in tests a
// require hook, test/support/c-text.cjs).
declare module '*.c' {
  const text: string;
  export default text;
}
declare module '*.h' {
  const text: string;
  export default text;
}
