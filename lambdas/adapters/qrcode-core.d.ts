/** The encoder of the `qrcode` package without its renderers (adapters/qr-png.ts): the same `create` as the package's. */
declare module 'qrcode/lib/core/qrcode.js' {
  export { create } from 'qrcode';
}
