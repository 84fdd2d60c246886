// Freestyle artifact URLs: the check lives in src/core so the control plane applies the same allow-list.
export { checkFreestyleUrl, FREESTYLE_SCHEMES } from '../../../core/artifact-url';
