//! `kiwisolver`: the Cassowary constraint solver with kiwisolver 1.3.2's Python API, written
//! with hpy-rs classes over the `kiwi-core` solver crate. One `kiwisolver.hpy0.so` runs on
//! CPython (with the `hpy` package) and on PyPy.
//!
//! Object model (mirrors kiwisolver's):
//! - a `Variable` owns its solver-visible state (`VarData`: id, name, value) behind an `Rc`,
//!   shared with every `Solver` that knows the variable, so `updateVariables` writes values
//!   without touching Python objects; its `context` is a GC-traced [`Field`];
//! - a `Term` holds its `Variable` object in a `Field` plus a coefficient; an `Expression`
//!   holds a tuple of `Term`s in a `Field` plus a constant (neither needs a destructor);
//! - a `Constraint` holds its reduced `Expression` in a `Field` and the ready-made
//!   `kiwi_core::Constraint` (keyed by variable ids) that solvers copy;
//! - a `Solver` holds only Rust data (the `kiwi_core::Solver`, keyed by variable and
//!   constraint ids, and the `VarData` of the variables it knows): it keeps no Python object
//!   alive, exactly like kiwisolver, so it needs no GC support.

/// The Cassowary constraint solver (kiwisolver 1.3.2 API).
#[hpy_rs::hpy_module]
mod kiwisolver {
    use hpy_rs::class::{new_instance, ClassCell, HPyClass};
    use hpy_rs::prelude::*;
    use kiwi_core::{format_number, DumpContext, RelationalOperator};
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::rc::Rc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// kiwisolver.__version__
    #[hpy_attr(name = "__version__")]
    const VERSION: &str = "1.3.2";

    /// kiwisolver.__kiwi_version__
    #[hpy_attr(name = "__kiwi_version__")]
    const KIWI_VERSION: &str = "1.3.1";

    /// The constraint has already been added to the solver.
    #[hpy_exception]
    pub struct DuplicateConstraint;

    /// The required constraint cannot be satisfied.
    #[hpy_exception]
    pub struct UnsatisfiableConstraint;

    /// The constraint has not been added to the solver.
    #[hpy_exception]
    pub struct UnknownConstraint;

    /// The edit variable has already been added to the solver.
    #[hpy_exception]
    pub struct DuplicateEditVariable;

    /// The edit variable has not been added to the solver.
    #[hpy_exception]
    pub struct UnknownEditVariable;

    /// A required strength cannot be used in this context.
    #[hpy_exception]
    pub struct BadRequiredStrength;

    /// `kiwisolver.strength` is the singleton instance of the `strength` class. Variable,
    /// Term and Expression compare into Constraints, so they are unhashable: `__hash__ = None`
    /// (CPython derives that from the comparison slot; PyPy needs it said).
    #[hpy_init]
    fn init<'py>(ctx: Ctx<'py>, module: &Handle<'py>) -> HPyResult<()> {
        module.setattr("strength", new_instance(ctx, Strength)?)
    }

    // ------------------------------------------------------------------
    // Shared helpers
    // ------------------------------------------------------------------

    /// Ids of variables and constraints: unique for the life of the process.
    fn next_id() -> u64 {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    }

    /// The state of a variable that solvers see: shared (`Rc`) by the `Variable` object and
    /// every `Solver` that knows it.
    pub struct VarData {
        id: u64,
        name: RefCell<String>,
        value: Cell<f64>,
    }

    /// A number operand: an `int` (incl. `bool`) or a `float`, nothing else.
    #[derive(Clone, Copy)]
    pub struct Number(f64);

    impl<'a, 'py> FromHandle<'a, 'py> for Number {
        fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
            if obj.is_int_or_float() {
                Ok(Number(obj.extract()?))
            } else {
                Err(HPyErr::wrong_type("float or int", obj))
            }
        }
    }

    /// kiwisolver's wording for an argument of the wrong type.
    fn type_error(expected: &str, obj: &Handle<'_>) -> HPyErr {
        exc::TypeError::new_err(format!(
            "Expected object of type `{expected}`. Got object of type `{}` instead.",
            obj.type_name_string()
        ))
    }

    /// The payload cell of `obj`, or kiwisolver's TypeError naming class `T`.
    fn expect<'a, T: HPyClass>(obj: &'a Handle<'_>) -> HPyResult<&'a ClassCell<T>> {
        ClassCell::<T>::of(obj).map_err(|_| type_error(T::NAME, obj))
    }

    fn missing(what: &str) -> HPyErr {
        exc::RuntimeError::new_err(format!("{what} is not initialized"))
    }

    /// A *strength argument*: `'required'`, `'strong'`, `'medium'`, `'weak'` or a number.
    fn parse_strength(obj: &Handle<'_>) -> HPyResult<f64> {
        if obj.is_str() {
            match obj.extract::<&str>()? {
                "required" => Ok(kiwi_core::strength::REQUIRED),
                "strong" => Ok(kiwi_core::strength::STRONG),
                "medium" => Ok(kiwi_core::strength::MEDIUM),
                "weak" => Ok(kiwi_core::strength::WEAK),
                other => Err(exc::ValueError::new_err(format!(
                    "string strength must be 'required', 'strong', 'medium', or 'weak', not '{other}'"
                ))),
            }
        } else if obj.is_int_or_float() {
            obj.extract()
        } else {
            Err(type_error("float, int, or str", obj))
        }
    }

    fn parse_op(obj: &Handle<'_>) -> HPyResult<RelationalOperator> {
        if !obj.is_str() {
            return Err(type_error("str", obj));
        }
        match obj.extract::<&str>()? {
            "==" => Ok(RelationalOperator::Equal),
            "<=" => Ok(RelationalOperator::LessOrEqual),
            ">=" => Ok(RelationalOperator::GreaterOrEqual),
            other => Err(exc::ValueError::new_err(format!(
                "relational operator must be '==', '<=', or '>=', not '{other}'"
            ))),
        }
    }

    // ------------------------------------------------------------------
    // Building objects
    // ------------------------------------------------------------------

    fn var_data(variable: &Handle<'_>) -> HPyResult<Rc<VarData>> {
        Ok(ClassCell::<Variable>::of(variable)?.borrow()?.data.clone())
    }

    /// A new `Term(variable, coefficient)`.
    fn new_term<'py>(variable: &Handle<'py>, coefficient: f64) -> HPyResult<Handle<'py>> {
        let term = new_instance(
            variable.ctx(),
            Term {
                variable: Field::new(),
                coefficient,
            },
        )?;
        ClassCell::<Term>::of(&term)?
            .borrow()?
            .variable
            .set(&term, Some(variable));
        Ok(term)
    }

    /// The variable object and coefficient of a `Term`.
    fn term_parts<'py>(term: &Handle<'py>) -> HPyResult<(Handle<'py>, f64)> {
        let t = ClassCell::<Term>::of(term)?.borrow()?;
        let variable = t.variable.get(term).ok_or_else(|| missing("Term"))?;
        Ok((variable, t.coefficient))
    }

    /// A new `Expression` over `terms` (Term objects, stored as a tuple).
    fn new_expression<'py>(
        ctx: Ctx<'py>,
        terms: &[Handle<'py>],
        constant: f64,
    ) -> HPyResult<Handle<'py>> {
        let refs: Vec<&Handle<'py>> = terms.iter().collect();
        let tuple = ctx.new_tuple(&refs)?;
        let expr = new_instance(
            ctx,
            Expression {
                terms: Field::new(),
                constant,
            },
        )?;
        ClassCell::<Expression>::of(&expr)?
            .borrow()?
            .terms
            .set(&expr, Some(&tuple));
        Ok(expr)
    }

    /// The `Term` objects and the constant of an `Expression`.
    fn expression_parts<'py>(expr: &Handle<'py>) -> HPyResult<(Vec<Handle<'py>>, f64)> {
        let e = ClassCell::<Expression>::of(expr)?.borrow()?;
        let tuple = e.terms.get(expr).ok_or_else(|| missing("Expression"))?;
        let n = tuple.len()?;
        let mut terms = Vec::with_capacity(n);
        for i in 0..n {
            terms.push(tuple.get_index(i as isize)?);
        }
        Ok((terms, e.constant))
    }

    /// `<coef> * <name>` with `%g` numbers.
    fn write_term(out: &mut String, term: &Handle<'_>) -> HPyResult<()> {
        let (variable, coefficient) = term_parts(term)?;
        out.push_str(&format_number(coefficient));
        out.push_str(" * ");
        out.push_str(&var_data(&variable)?.name.borrow());
        Ok(())
    }

    /// A new `Constraint` of `expression op 0`: the expression is reduced (terms on the same
    /// variable summed, in order of first appearance) into a new `Expression`.
    fn new_constraint<'py>(
        ctx: Ctx<'py>,
        expression: &Handle<'py>,
        op: RelationalOperator,
        strength: f64,
    ) -> HPyResult<Handle<'py>> {
        let (terms, constant) = expression_parts(expression)?;
        // (variable object, its data, summed coefficient), in order of first appearance.
        let mut reduced: Vec<(Handle<'py>, Rc<VarData>, f64)> = Vec::with_capacity(terms.len());
        let mut index: HashMap<u64, usize> = HashMap::new();
        for term in &terms {
            let (variable, coefficient) = term_parts(term)?;
            let data = var_data(&variable)?;
            match index.get(&data.id) {
                Some(&i) => reduced[i].2 += coefficient,
                None => {
                    index.insert(data.id, reduced.len());
                    // `0.0 +` as kiwi's map of zero-initialised sums (turns -0.0 into 0.0).
                    reduced.push((variable, data, 0.0 + coefficient));
                }
            }
        }
        let mut new_terms = Vec::with_capacity(reduced.len());
        for (variable, _, coefficient) in &reduced {
            new_terms.push(new_term(variable, *coefficient)?);
        }
        let reduced_expr = new_expression(ctx, &new_terms, constant)?;
        let core = kiwi_core::Constraint::new(
            reduced.iter().map(|(_, d, c)| (d.id, *c)),
            constant,
            op,
            strength,
        );
        let vars = reduced.into_iter().map(|(_, d, _)| d).collect();
        constraint_object(ctx, &reduced_expr, core, vars)
    }

    /// A new `Constraint` object holding `expression` (already reduced) and `core`.
    fn constraint_object<'py>(
        ctx: Ctx<'py>,
        expression: &Handle<'py>,
        core: kiwi_core::Constraint<u64>,
        vars: Vec<Rc<VarData>>,
    ) -> HPyResult<Handle<'py>> {
        let obj = new_instance(
            ctx,
            Constraint {
                expression: Field::new(),
                id: next_id(),
                core,
                vars,
            },
        )?;
        ClassCell::<Constraint>::of(&obj)?
            .borrow()?
            .expression
            .set(&obj, Some(expression));
        Ok(obj)
    }

    // ------------------------------------------------------------------
    // Arithmetic on Variable / Term / Expression / numbers
    // ------------------------------------------------------------------

    /// An operand of the arithmetic and comparison operators.
    #[derive(Clone, Copy)]
    pub enum Operand<'a, 'py> {
        /// A `Variable`.
        Var(&'a Handle<'py>),
        /// A `Term`.
        Term(&'a Handle<'py>),
        /// An `Expression`.
        Expr(&'a Handle<'py>),
        /// An int or float.
        Num(f64),
    }

    impl<'a, 'py> Operand<'a, 'py> {
        /// The operand `obj` is, or `None` for a foreign object.
        fn classify(obj: &'a Handle<'py>) -> HPyResult<Option<Self>> {
            let ctx = obj.ctx();
            Ok(Some(if obj.is_int_or_float() {
                Operand::Num(obj.extract()?)
            } else if obj.is_instance(&Variable::type_object(ctx)?) {
                Operand::Var(obj)
            } else if obj.is_instance(&Term::type_object(ctx)?) {
                Operand::Term(obj)
            } else if obj.is_instance(&Expression::type_object(ctx)?) {
                Operand::Expr(obj)
            } else {
                return Ok(None);
            }))
        }
    }

    /// Binary operators see a foreign operand as a conversion error: NotImplemented.
    impl<'a, 'py> FromHandle<'a, 'py> for Operand<'a, 'py> {
        fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
            Operand::classify(obj)?
                .ok_or_else(|| HPyErr::wrong_type("Variable, Term, Expression, float or int", obj))
        }
    }

    /// The terms and constant an operand contributes to a sum.
    fn summand<'py>(op: Operand<'_, 'py>) -> HPyResult<(Vec<Handle<'py>>, f64)> {
        match op {
            Operand::Var(v) => Ok((vec![new_term(v, 1.0)?], 0.0)),
            Operand::Term(t) => Ok((vec![t.dup()], 0.0)),
            Operand::Expr(e) => expression_parts(e),
            Operand::Num(n) => Ok((Vec::new(), n)),
        }
    }

    /// `a + b`: always an Expression. The terms come left then right, except that an
    /// Expression's terms come before a lone Variable/Term on its left.
    fn add<'py>(ctx: Ctx<'py>, a: Operand<'_, 'py>, b: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
        let expression_first =
            matches!(b, Operand::Expr(_)) && matches!(a, Operand::Var(_) | Operand::Term(_));
        let (mut ta, ca) = summand(a)?;
        let (mut tb, cb) = summand(b)?;
        if expression_first {
            tb.append(&mut ta);
            new_expression(ctx, &tb, ca + cb)
        } else {
            ta.append(&mut tb);
            new_expression(ctx, &ta, ca + cb)
        }
    }

    /// `x * k` for a Variable, Term or Expression: a Term, a Term, an Expression.
    fn scale<'py>(ctx: Ctx<'py>, x: Operand<'_, 'py>, k: f64) -> HPyResult<Handle<'py>> {
        match x {
            Operand::Var(v) => new_term(v, k),
            Operand::Term(t) => {
                let (variable, coefficient) = term_parts(t)?;
                new_term(&variable, coefficient * k)
            }
            Operand::Expr(e) => {
                let (terms, constant) = expression_parts(e)?;
                let scaled = terms
                    .iter()
                    .map(|t| scale(ctx, Operand::Term(t), k))
                    .collect::<HPyResult<Vec<_>>>()?;
                new_expression(ctx, &scaled, constant * k)
            }
            Operand::Num(n) => (n * k).into_handle(ctx),
        }
    }

    /// `x / n` is `x * (1 / n)`.
    fn divide<'py>(ctx: Ctx<'py>, x: Operand<'_, 'py>, n: f64) -> HPyResult<Handle<'py>> {
        if n == 0.0 {
            return Err(exc::ZeroDivisionError::new_err("float division by zero"));
        }
        scale(ctx, x, 1.0 / n)
    }

    /// `a - b` is `a + (-b)`.
    fn subtract<'py>(
        ctx: Ctx<'py>,
        a: Operand<'_, 'py>,
        b: Operand<'_, 'py>,
    ) -> HPyResult<Handle<'py>> {
        let negated;
        let minus_b = match b {
            Operand::Num(n) => Operand::Num(-n),
            Operand::Var(_) | Operand::Term(_) => {
                negated = scale(ctx, b, -1.0)?;
                Operand::Term(&negated)
            }
            Operand::Expr(_) => {
                negated = scale(ctx, b, -1.0)?;
                Operand::Expr(&negated)
            }
        };
        add(ctx, a, minus_b)
    }

    /// `slf <op> other`: `==`, `<=`, `>=` give the required Constraint `slf - other <op> 0`;
    /// `<`, `!=`, `>` are a TypeError; a foreign `other` gives NotImplemented.
    fn compare<'py>(
        slf: Operand<'_, 'py>,
        slf_obj: &Handle<'py>,
        other: &Handle<'py>,
        op: CompareOp,
    ) -> HPyResult<Handle<'py>> {
        let ctx = slf_obj.ctx();
        let Some(o) = Operand::classify(other)? else {
            return Ok(ctx.not_implemented().to_owned());
        };
        let rel = match op {
            CompareOp::Eq => RelationalOperator::Equal,
            CompareOp::Le => RelationalOperator::LessOrEqual,
            CompareOp::Ge => RelationalOperator::GreaterOrEqual,
            CompareOp::Lt | CompareOp::Ne | CompareOp::Gt => {
                return Err(exc::TypeError::new_err(format!(
                    "unsupported operand type(s) for {}: '{}' and '{}'",
                    op.symbol(),
                    slf_obj.type_name_string(),
                    other.type_name_string()
                )))
            }
        };
        let expression = subtract(ctx, slf, o)?;
        new_constraint(ctx, &expression, rel, kiwi_core::strength::REQUIRED)
    }

    // ------------------------------------------------------------------
    // Variable
    // ------------------------------------------------------------------

    /// A variable of the constraint system. `Variable(name="", context=None)`.
    #[hpy_class]
    pub struct Variable {
        data: Rc<VarData>,
        context: Field,
    }

    #[hpy_methods]
    impl Variable {
        #[new]
        #[hpy(signature = (name = "", context = None))]
        fn construct<'py>(
            ctx: Ctx<'py>,
            name: &str,
            context: Option<&Handle<'py>>,
        ) -> HPyResult<Handle<'py>> {
            let data = Rc::new(VarData {
                id: next_id(),
                name: RefCell::new(name.to_owned()),
                value: Cell::new(0.0),
            });
            let obj = new_instance(
                ctx,
                Variable {
                    data,
                    context: Field::new(),
                },
            )?;
            if let Some(c) = context.filter(|c| !c.is_none()) {
                ClassCell::<Variable>::of(&obj)?
                    .borrow()?
                    .context
                    .set(&obj, Some(c));
            }
            Ok(obj)
        }

        /// The name of the variable.
        fn name(&self) -> String {
            self.data.name.borrow().clone()
        }

        /// Set the name of the variable.
        #[hpy(name = "setName")]
        fn set_name(&self, name: &str) {
            *self.data.name.borrow_mut() = name.to_owned();
        }

        /// The current value of the variable (set by `Solver.updateVariables`).
        fn value(&self) -> f64 {
            self.data.value.get()
        }

        /// The user context object of the variable.
        fn context<'py>(&self, slf: &Handle<'py>) -> Handle<'py> {
            self.context
                .get(slf)
                .unwrap_or_else(|| slf.ctx().none().to_owned())
        }

        /// Set the user context object of the variable.
        #[hpy(name = "setContext")]
        fn set_context<'py>(&self, slf: &Handle<'py>, context: &Handle<'py>) {
            self.context
                .set(slf, Some(context).filter(|c| !c.is_none()));
        }

        fn __repr__(&self) -> String {
            self.name()
        }

        fn __str__(&self) -> String {
            self.name()
        }

        fn __neg__<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            new_term(slf, -1.0)
        }

        fn __mul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            new_term(slf, n.0)
        }

        fn __rmul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            new_term(slf, n.0)
        }

        fn __truediv__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            divide(slf.ctx(), Operand::Var(slf), n.0)
        }

        fn __add__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), Operand::Var(slf), o)
        }

        fn __radd__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), o, Operand::Var(slf))
        }

        fn __sub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), Operand::Var(slf), o)
        }

        fn __rsub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), o, Operand::Var(slf))
        }

        fn __richcmp__<'py>(
            &self,
            slf: &Handle<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<Handle<'py>> {
            compare(Operand::Var(slf), slf, other, op)
        }
    }

    // ------------------------------------------------------------------
    // Term
    // ------------------------------------------------------------------

    /// A variable times a coefficient. `Term(variable, coefficient=1.0)`.
    #[hpy_class]
    pub struct Term {
        variable: Field,
        coefficient: f64,
    }

    #[hpy_methods]
    impl Term {
        #[new]
        #[hpy(signature = (variable, coefficient = Number(1.0)))]
        fn construct<'py>(variable: &Handle<'py>, coefficient: Number) -> HPyResult<Handle<'py>> {
            expect::<Variable>(variable)?;
            new_term(variable, coefficient.0)
        }

        /// The variable of the term.
        fn variable<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.variable.get(slf).ok_or_else(|| missing("Term"))
        }

        /// The coefficient of the term.
        fn coefficient(&self) -> f64 {
            self.coefficient
        }

        /// The value of the term: coefficient × the variable's value.
        fn value<'py>(&self, slf: &Handle<'py>) -> HPyResult<f64> {
            let variable = self.variable(slf)?;
            Ok(self.coefficient * var_data(&variable)?.value.get())
        }

        fn __repr__<'py>(&self, slf: &Handle<'py>) -> HPyResult<String> {
            let mut out = String::new();
            write_term(&mut out, slf)?;
            Ok(out)
        }

        fn __neg__<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Term(slf), -1.0)
        }

        fn __mul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Term(slf), n.0)
        }

        fn __rmul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Term(slf), n.0)
        }

        fn __truediv__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            divide(slf.ctx(), Operand::Term(slf), n.0)
        }

        fn __add__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), Operand::Term(slf), o)
        }

        fn __radd__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), o, Operand::Term(slf))
        }

        fn __sub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), Operand::Term(slf), o)
        }

        fn __rsub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), o, Operand::Term(slf))
        }

        fn __richcmp__<'py>(
            &self,
            slf: &Handle<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<Handle<'py>> {
            compare(Operand::Term(slf), slf, other, op)
        }
    }

    // ------------------------------------------------------------------
    // Expression
    // ------------------------------------------------------------------

    /// A sum of terms plus a constant. `Expression(terms, constant=0.0)`.
    #[hpy_class]
    pub struct Expression {
        terms: Field,
        constant: f64,
    }

    #[hpy_methods]
    impl Expression {
        #[new]
        #[hpy(signature = (terms, constant = Number(0.0)))]
        fn construct<'py>(
            ctx: Ctx<'py>,
            terms: &Handle<'py>,
            constant: Number,
        ) -> HPyResult<Handle<'py>> {
            let term_type = Term::type_object(ctx)?;
            let mut items = Vec::new();
            for item in terms.iter()? {
                let item = item?;
                if !item.is_instance(&term_type) {
                    return Err(type_error("Term", &item));
                }
                items.push(item);
            }
            new_expression(ctx, &items, constant.0)
        }

        /// The terms of the expression, a tuple of `Term`.
        fn terms<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.terms.get(slf).ok_or_else(|| missing("Expression"))
        }

        /// The constant of the expression.
        fn constant(&self) -> f64 {
            self.constant
        }

        /// The value of the expression: the constant plus the values of the terms.
        fn value<'py>(&self, slf: &Handle<'py>) -> HPyResult<f64> {
            let (terms, _) = expression_parts(slf)?;
            let mut result = self.constant;
            for term in &terms {
                let (variable, coefficient) = term_parts(term)?;
                result += coefficient * var_data(&variable)?.value.get();
            }
            Ok(result)
        }

        fn __repr__<'py>(&self, slf: &Handle<'py>) -> HPyResult<String> {
            let (terms, _) = expression_parts(slf)?;
            let mut out = String::new();
            for term in &terms {
                write_term(&mut out, term)?;
                out.push_str(" + ");
            }
            out.push_str(&format_number(self.constant));
            Ok(out)
        }

        fn __neg__<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Expr(slf), -1.0)
        }

        fn __mul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Expr(slf), n.0)
        }

        fn __rmul__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            scale(slf.ctx(), Operand::Expr(slf), n.0)
        }

        fn __truediv__<'py>(&self, slf: &Handle<'py>, n: Number) -> HPyResult<Handle<'py>> {
            divide(slf.ctx(), Operand::Expr(slf), n.0)
        }

        fn __add__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), Operand::Expr(slf), o)
        }

        fn __radd__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            add(slf.ctx(), o, Operand::Expr(slf))
        }

        fn __sub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), Operand::Expr(slf), o)
        }

        fn __rsub__<'py>(&self, slf: &Handle<'py>, o: Operand<'_, 'py>) -> HPyResult<Handle<'py>> {
            subtract(slf.ctx(), o, Operand::Expr(slf))
        }

        fn __richcmp__<'py>(
            &self,
            slf: &Handle<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<Handle<'py>> {
            compare(Operand::Expr(slf), slf, other, op)
        }
    }

    // ------------------------------------------------------------------
    // Constraint
    // ------------------------------------------------------------------

    /// A linear constraint `expression op 0` with a strength.
    /// `Constraint(expression, op, strength='required')`.
    #[hpy_class]
    pub struct Constraint {
        /// The reduced Expression object.
        expression: Field,
        /// The identity solvers know this constraint by.
        id: u64,
        /// The constraint in the solver's terms (variable ids).
        core: kiwi_core::Constraint<u64>,
        /// The data of the variables of `core`, in the same order.
        vars: Vec<Rc<VarData>>,
    }

    #[hpy_methods]
    impl Constraint {
        #[new]
        #[hpy(signature = (expression, op, strength = None))]
        fn construct<'py>(
            ctx: Ctx<'py>,
            expression: &Handle<'py>,
            op: &Handle<'py>,
            strength: Option<&Handle<'py>>,
        ) -> HPyResult<Handle<'py>> {
            expect::<Expression>(expression)?;
            let op = parse_op(op)?;
            let strength = match strength {
                Some(s) => parse_strength(s)?,
                None => kiwi_core::strength::REQUIRED,
            };
            new_constraint(ctx, expression, op, strength)
        }

        /// The reduced expression of the constraint.
        fn expression<'py>(&self, slf: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.expression
                .get(slf)
                .ok_or_else(|| missing("Constraint"))
        }

        /// The relational operator: `'=='`, `'<='` or `'>='`.
        fn op(&self) -> &'static str {
            self.core.op().as_str()
        }

        /// The strength of the constraint.
        fn strength(&self) -> f64 {
            self.core.strength()
        }

        fn __repr__(&self) -> String {
            let mut out = String::new();
            for (data, &(_, coefficient)) in self.vars.iter().zip(self.core.terms()) {
                out.push_str(&format_number(coefficient));
                out.push_str(" * ");
                out.push_str(&data.name.borrow());
                out.push_str(" + ");
            }
            out.push_str(&format_number(self.core.constant()));
            out.push(' ');
            out.push_str(self.core.op().as_str());
            out.push_str(" 0 | strength = ");
            out.push_str(&format_number(self.core.strength()));
            out
        }

        fn __or__<'py>(&self, slf: &Handle<'py>, s: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.with_strength(slf, s)
        }

        fn __ror__<'py>(&self, slf: &Handle<'py>, s: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.with_strength(slf, s)
        }
    }

    impl Constraint {
        /// `c | strength`: a new Constraint sharing the expression object and the operator.
        fn with_strength<'py>(
            &self,
            slf: &Handle<'py>,
            strength: &Handle<'py>,
        ) -> HPyResult<Handle<'py>> {
            let ctx = slf.ctx();
            if !strength.is_str() && !strength.is_int_or_float() {
                return Ok(ctx.not_implemented().to_owned());
            }
            let strength = parse_strength(strength)?;
            let core = kiwi_core::Constraint::new(
                self.core.terms().iter().copied(),
                self.core.constant(),
                self.core.op(),
                strength,
            );
            let expression = self.expression(slf)?;
            constraint_object(ctx, &expression, core, self.vars.clone())
        }
    }

    // ------------------------------------------------------------------
    // strength
    // ------------------------------------------------------------------

    /// The predefined constraint strengths and `create`.
    #[hpy_class(name = "strength")]
    pub struct Strength;

    #[hpy_methods]
    impl Strength {
        /// The 'weak' strength, 1.0.
        #[getter]
        fn weak(&self) -> f64 {
            kiwi_core::strength::WEAK
        }

        /// The 'medium' strength, 1e3.
        #[getter]
        fn medium(&self) -> f64 {
            kiwi_core::strength::MEDIUM
        }

        /// The 'strong' strength, 1e6.
        #[getter]
        fn strong(&self) -> f64 {
            kiwi_core::strength::STRONG
        }

        /// The 'required' strength, 1001001000.0.
        #[getter]
        fn required(&self) -> f64 {
            kiwi_core::strength::REQUIRED
        }

        /// create(a, b, c, w=1.0): clip(a*w)*1e6 + clip(b*w)*1e3 + clip(c*w), each part
        /// clipped to [0, 1000].
        #[hpy(signature = (a, b, c, w = Number(1.0)))]
        fn create(&self, a: Number, b: Number, c: Number, w: Number) -> f64 {
            kiwi_core::strength::create(a.0, b.0, c.0, w.0)
        }
    }

    // ------------------------------------------------------------------
    // Solver
    // ------------------------------------------------------------------

    /// Names variables in dumps.
    struct Names<'a>(&'a HashMap<u64, Rc<VarData>>);

    impl DumpContext<u64> for Names<'_> {
        fn write_variable(&self, out: &mut String, var: u64) {
            if let Some(data) = self.0.get(&var) {
                out.push_str(&data.name.borrow());
            }
        }
    }

    /// An incremental Cassowary constraint solver. `Solver()`.
    #[hpy_class]
    pub struct Solver {
        core: kiwi_core::Solver<u64>,
        /// Every variable the solver knows, by id.
        vars: HashMap<u64, Rc<VarData>>,
        /// The variables in the order `core.values()` reports them (rebuilt when it grows).
        order: Vec<Option<Rc<VarData>>>,
    }

    impl Solver {
        fn know(&mut self, data: &Rc<VarData>) {
            self.vars.entry(data.id).or_insert_with(|| data.clone());
        }
    }

    /// The payload of a `Variable` argument.
    fn variable_arg(obj: &Handle<'_>) -> HPyResult<Rc<VarData>> {
        Ok(expect::<Variable>(obj)?.borrow()?.data.clone())
    }

    /// A solver error as the kiwisolver exception, carrying the offending object.
    fn solver_error(e: kiwi_core::Error, obj: &Handle<'_>) -> HPyErr {
        use kiwi_core::Error as E;
        match e {
            E::DuplicateConstraint => DuplicateConstraint::new_err_with(obj),
            E::UnsatisfiableConstraint => UnsatisfiableConstraint::new_err_with(obj),
            E::UnknownConstraint => UnknownConstraint::new_err_with(obj),
            E::DuplicateEditVariable => DuplicateEditVariable::new_err_with(obj),
            E::UnknownEditVariable => UnknownEditVariable::new_err_with(obj),
            E::BadRequiredStrength => {
                BadRequiredStrength::new_err("A required strength cannot be used in this context.")
            }
            E::InternalSolverError(msg) => {
                exc::RuntimeError::new_err(format!("internal solver error: {msg}"))
            }
        }
    }

    #[hpy_methods]
    impl Solver {
        #[new]
        fn new() -> Solver {
            let mut core = kiwi_core::Solver::new();
            // kiwi 1.3 keeps the state of a failed (unsatisfiable) addition.
            core.set_restore_on_unsatisfiable(false);
            Solver {
                core,
                vars: HashMap::new(),
                order: Vec::new(),
            }
        }

        /// Add a constraint to the solver.
        #[hpy(name = "addConstraint")]
        fn add_constraint(&mut self, constraint: &Handle<'_>) -> HPyResult<()> {
            let c = expect::<Constraint>(constraint)?.borrow()?;
            for data in &c.vars {
                self.know(data);
            }
            self.core
                .add_constraint(c.id, c.core.clone())
                .map_err(|e| solver_error(e, constraint))
        }

        /// Remove a constraint from the solver.
        #[hpy(name = "removeConstraint")]
        fn remove_constraint(&mut self, constraint: &Handle<'_>) -> HPyResult<()> {
            let id = expect::<Constraint>(constraint)?.borrow()?.id;
            self.core
                .remove_constraint(id)
                .map_err(|e| solver_error(e, constraint))
        }

        /// Whether the solver holds this constraint (by identity).
        #[hpy(name = "hasConstraint")]
        fn has_constraint(&self, constraint: &Handle<'_>) -> HPyResult<bool> {
            let id = expect::<Constraint>(constraint)?.borrow()?.id;
            Ok(self.core.has_constraint(id))
        }

        /// Add an edit variable with the given (non-required) strength.
        #[hpy(name = "addEditVariable")]
        fn add_edit_variable(
            &mut self,
            variable: &Handle<'_>,
            strength: &Handle<'_>,
        ) -> HPyResult<()> {
            let data = variable_arg(variable)?;
            let strength = parse_strength(strength)?;
            self.know(&data);
            self.core
                .add_edit_variable(data.id, strength)
                .map_err(|e| solver_error(e, variable))
        }

        /// Remove an edit variable.
        #[hpy(name = "removeEditVariable")]
        fn remove_edit_variable(&mut self, variable: &Handle<'_>) -> HPyResult<()> {
            let data = variable_arg(variable)?;
            self.core
                .remove_edit_variable(data.id)
                .map_err(|e| solver_error(e, variable))
        }

        /// Whether the variable is an edit variable of the solver.
        #[hpy(name = "hasEditVariable")]
        fn has_edit_variable(&self, variable: &Handle<'_>) -> HPyResult<bool> {
            Ok(self.core.has_edit_variable(variable_arg(variable)?.id))
        }

        /// Suggest a value for an edit variable.
        #[hpy(name = "suggestValue")]
        fn suggest_value(&mut self, variable: &Handle<'_>, value: Number) -> HPyResult<()> {
            let data = variable_arg(variable)?;
            self.core
                .suggest_value(data.id, value.0)
                .map_err(|e| solver_error(e, variable))
        }

        /// Write the current solution into every variable the solver knows.
        #[hpy(name = "updateVariables")]
        fn update_variables(&mut self) {
            if self.order.len() != self.core.variable_count() {
                let vars = &self.vars;
                self.order = self
                    .core
                    .values()
                    .map(|(id, _)| vars.get(&id).cloned())
                    .collect();
            }
            for (data, (_, value)) in self.order.iter().zip(self.core.values()) {
                if let Some(data) = data {
                    data.value.set(value);
                }
            }
        }

        /// Remove every constraint and edit variable.
        fn reset(&mut self) {
            self.core.reset();
            self.vars.clear();
            self.order.clear();
        }

        /// A text dump of the solver state.
        fn dumps(&self) -> String {
            self.core.dumps(&Names(&self.vars))
        }

        /// Print the text dump of the solver state.
        fn dump(&self, ctx: Ctx<'_>) -> HPyResult<()> {
            let text = self.dumps();
            let stdout = ctx.import("sys")?.getattr("stdout")?;
            stdout.call_method("write", (text,))?;
            Ok(())
        }
    }
}
