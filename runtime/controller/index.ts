/**
 * runtime/controller: class controllers. `@controller('/users')` on a class, `@get('/:id')`,
 * `@post`, `@put`, `@patch`, `@del`, `@head`, `@options`, `@all` on its methods, registered with
 * `app.controller(UsersController)` (or `r.controller(...)` inside a group).
 */
export { controller, get, post, put, patch, del, head, options, all, type KilnDecorator, type RouteDecorator } from './decorators.js'
export { controllerRoutes, type ControllerRoute, type ControllerTarget } from './controller-routes.js'
