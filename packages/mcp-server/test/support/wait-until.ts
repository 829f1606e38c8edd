export { waitUntil } from '../../../core/test/support/wait-until';
